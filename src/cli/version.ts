import { readFileSync } from 'node:fs'

/** netguard's version, from the package.json beside src/ or dist/ (npm packs it with every install). */
export function packageVersion (): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown }
  return typeof manifest.version === 'string' ? manifest.version : 'unknown'
}
