import { readFileSync } from 'node:fs'
import type { RuleResult, Violation } from '../engine/types.ts'
import type { KubeObject } from '../kube/types.ts'

/**
 * The manifest's own check, run by `check` before the review: fields that the kind's schema does
 * not have. The webhook never sees them (the API server refuses them under kubectl's strict field
 * validation, or drops them), so this is about the file, not a guardrail: a `typ: NodePort` that
 * no rule reads is exactly what a reviewer should hear about. Its results use the rules' model.
 */
export const SCHEMA_RULE = {
  id: 'SCHEMA-UNKNOWN-FIELD',
  summary: 'a field the kind\'s schema does not have (misspelt or misplaced): kubectl refuses it, or the API server drops it',
  action: 'warn'
} as const

/** schemas/kinds.json, written by `npm run schemas` (scripts/schemas.ts says from what). */
interface KindSchemas {
  readonly kinds: Readonly<Record<string, string>>
  readonly types: Readonly<Record<string, Readonly<Record<string, string>>>>
}

const SCHEMA_FILE = new URL('../../schemas/kinds.json', import.meta.url)
let loaded: KindSchemas | undefined

function schemas (): KindSchemas {
  loaded ??= JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as KindSchemas
  return loaded
}

/** The result for one object, or undefined when no schema of its apiVersion and kind is known. */
export function unknownFieldResult (object: KubeObject): RuleResult | undefined {
  const { kinds, types } = schemas()
  const type = kinds[`${String(object.apiVersion)}/${String(object.kind)}`]
  if (type === undefined) return undefined
  const violations: Violation[] = []
  const walk = (value: unknown, fieldType: string, path: readonly (string | number)[]): void => {
    if (fieldType === '' || typeof value !== 'object' || value === null) return
    if (fieldType.endsWith('[]')) {
      if (Array.isArray(value)) value.forEach((item, index) => { walk(item, fieldType.slice(0, -2), [...path, index]) })
      return
    }
    if (fieldType.startsWith('{')) {
      for (const [key, item] of Object.entries(value)) walk(item, fieldType.slice(1, -1), [...path, key])
      return
    }
    const fields = types[fieldType] ?? {}
    for (const [key, item] of Object.entries(value)) {
      const known = fields[key]
      if (known === undefined) violations.push(unknownField(object, path, key, Object.keys(fields)))
      else walk(item, known, [...path, key])
    }
  }
  walk(object, type, [])
  return violations.length === 0
    ? { ruleId: SCHEMA_RULE.id, point: 'validate', status: 'pass' }
    : { ruleId: SCHEMA_RULE.id, point: 'validate', status: 'warn', violations }
}

function unknownField (object: KubeObject, parent: readonly (string | number)[], key: string, known: readonly string[]): Violation {
  const path = formatFieldPath([...parent, key])
  const suggestion = closest(key, known)
  const explain = [String(object.kind).toLowerCase(), ...parent.filter((step) => typeof step === 'string')].join('.')
  return {
    ruleId: SCHEMA_RULE.id,
    action: SCHEMA_RULE.action,
    path,
    code: 'unknown-field',
    message: `${path} is not a field of ${String(object.kind)} (${String(object.apiVersion)})`,
    fix: suggestion === undefined
      ? `remove it or correct its name (kubectl explain ${explain} lists the fields)`
      : `did you mean ${formatFieldPath([...parent, suggestion])}?`
  }
}

/** A path as findings write it: `spec.ports[0].nme`, `metadata.annotations["a.b/c"]`. */
function formatFieldPath (steps: readonly (string | number)[]): string {
  return steps.reduce<string>((text, step) => {
    if (typeof step === 'number') return `${text}[${step}]`
    if (/^[^.[\]"]+$/.test(step)) return text === '' ? step : `${text}.${step}`
    return `${text}[${JSON.stringify(step)}]`
  }, '')
}

/** The known field a misspelling most likely meant: same letters in another case, one or two edits away, or cut short. */
function closest (name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase()
  const sameCase = known.find((field) => field.toLowerCase() === lower)
  if (sameCase !== undefined) return sameCase
  const limit = name.length < 5 ? 1 : 2
  let best: { field: string, distance: number } | undefined
  for (const field of known) {
    const distance = editDistance(lower, field.toLowerCase())
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { field, distance }
  }
  // A truncated name (insecureEdgeTermination for insecureEdgeTerminationPolicy).
  return best?.field ?? (name.length >= 6 ? known.find((field) => field.toLowerCase().startsWith(lower)) : undefined)
}

/** Levenshtein distance, with one row of memory. */
function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
