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

/** The API server's reading of a label selector (matchLabels and matchExpressions); no selector selects everything. */
export function selects (selector: { matchLabels?: Record<string, string>, matchExpressions?: { key: string, operator: string, values?: string[] }[] } | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return true
  return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const has = Object.hasOwn(labels, key)
      if (operator === 'In') return has && values.includes(labels[key] ?? '')
      if (operator === 'NotIn') return !has || !values.includes(labels[key] ?? '')
      if (operator === 'Exists') return has
      return !has
    })
}
