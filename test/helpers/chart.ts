import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

export const CHART_DIR = 'charts/netguard'

export function chartFile (path: string): string {
  return readFileSync(join(CHART_DIR, path), 'utf8')
}

export function defaultValues (): Record<string, unknown> {
  return parse(chartFile('values.yaml')) as Record<string, unknown>
}

/** Every template and helper of the chart, by file name. */
export function templates (): Map<string, string> {
  const dir = join(CHART_DIR, 'templates')
  return new Map(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), 'utf8')]))
}
