import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureDevCertificates, type DevCertificates } from '../../src/tls/dev-certs.ts'

const cache = new Map<string, Promise<DevCertificates>>()
const dirs: string[] = []
process.once('exit', () => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }) })

/**
 * A CA and serving pair for 127.0.0.1, ::1 and localhost, generated at run time (keys are never
 * committed) once per name per test process; different names give different pairs. `issuedAt`
 * moves their validity (a pair issued earlier expires earlier).
 */
export async function testCertificates (name = 'a', issuedAt = new Date()): Promise<DevCertificates> {
  let pending = cache.get(name)
  if (pending === undefined) {
    const dir = mkdtempSync(join(tmpdir(), `netguard-test-certs-${name}-`))
    dirs.push(dir)
    pending = ensureDevCertificates(dir, ['127.0.0.1', '::1', 'localhost'], issuedAt)
    cache.set(name, pending)
  }
  return await pending
}
