import type { Finding } from './types.ts'

// Readers for untrusted JSON: every field of an object under review may be absent or hold any
// JSON value, whatever kube/types.ts says it should be. Rules read through these, so a value of
// the wrong type is a finding naming the field and the type expected, never an exception.

export type JsonObject = Readonly<Record<string, unknown>>

export function asObject (value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as JsonObject : undefined
}

export function asList (value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined
}

/** A non-empty string, trimmed, or undefined. */
export function asText (value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

/** How a value looks in a message: strings quoted, everything else as JSON, long values cut. */
export function shown (value: unknown): string {
  const text = JSON.stringify(value) ?? (value === undefined ? 'undefined' : typeof value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** What a value is, for a message: `a list`, `the number 5`, `the string "x"`, `null`. */
export function typeName (value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'string') return `the string ${shown(value.length > 30 ? `${value.slice(0, 30)}...` : value)}`
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value === 'number' ? 'the number ' : ''}${JSON.stringify(value)}`
  return 'an object'
}

/** JSON text of a value with object keys sorted at every level: equal text, equal value. */
export function stableJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  const object = asObject(value)
  if (object !== undefined) return `{${Object.keys(object).sort().map((key) => `${JSON.stringify(key)}:${stableJson(object[key])}`).join(',')}}`
  return JSON.stringify(value) ?? 'null'
}

/** The finding for a field of the wrong type. */
export function typeFinding (path: string, value: unknown, expected: string): Finding {
  return { path, message: `${path} is ${typeName(value)}; expected ${expected}`, fix: `write ${path} as ${expected}` }
}

/**
 * Reads fields and keeps a finding for each one of the wrong type. Absent and `null` are
 * absent (the API server treats an optional null field so); anything else of the wrong type is
 * a problem, and the reader answers as if the field were absent.
 */
export class FieldReader {
  readonly #problems: Finding[] = []

  get problems (): readonly Finding[] {
    return this.#problems
  }

  object (value: unknown, path: string): JsonObject | undefined {
    return this.#typed(value, path, 'an object', asObject(value))
  }

  list (value: unknown, path: string): readonly unknown[] {
    return this.#typed(value, path, 'a list', asList(value)) ?? []
  }

  string (value: unknown, path: string): string | undefined {
    return this.#typed(value, path, 'a string', typeof value === 'string' ? value : undefined)
  }

  integer (value: unknown, path: string): number | undefined {
    return this.#typed(value, path, 'an integer', Number.isSafeInteger(value) ? value as number : undefined)
  }

  boolean (value: unknown, path: string): boolean | undefined {
    return this.#typed(value, path, 'true or false', typeof value === 'boolean' ? value : undefined)
  }

  #typed<T> (value: unknown, path: string, expected: string, read: T | undefined): T | undefined {
    if (read === undefined && value !== undefined && value !== null) this.#problems.push(typeFinding(path, value, expected))
    return read
  }
}

/** An object's metadata, string fields only: a name or label that is not a string is no name or label. */
export interface Meta {
  readonly name: string | undefined
  readonly namespace: string | undefined
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
}

export function metaOf (object: unknown): Meta {
  const metadata = asObject(asObject(object)?.metadata)
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
  return {
    name: text(metadata?.name),
    namespace: text(metadata?.namespace),
    labels: strings(metadata?.labels),
    annotations: strings(metadata?.annotations)
  }
}

function strings (value: unknown): Readonly<Record<string, string>> {
  const out = Object.create(null) as Record<string, string>
  for (const [key, entry] of Object.entries(asObject(value) ?? {})) if (typeof entry === 'string') out[key] = entry
  return out
}

/** An annotation the rule reads, with a finding when it is there but not a string. */
export function annotationOf (object: unknown, key: string, reader: FieldReader): string | undefined {
  const annotations = asObject(asObject(asObject(object)?.metadata)?.annotations)
  return reader.string(annotations?.[key], `metadata.annotations["${key}"]`)
}

export type Expected = 'object' | 'list' | 'string' | 'integer' | 'boolean'

const EXPECTED: Readonly<Record<Expected, { readonly name: string, readonly test: (value: unknown) => boolean }>> = {
  object: { name: 'an object', test: (value) => asObject(value) !== undefined },
  list: { name: 'a list', test: Array.isArray },
  string: { name: 'a string', test: (value) => typeof value === 'string' },
  integer: { name: 'an integer', test: Number.isSafeInteger },
  boolean: { name: 'true or false', test: (value) => typeof value === 'boolean' }
}

/**
 * Type findings for the fields a rule reads, given as dotted paths with `[]` for every element
 * of a list and `{}` for every value of a map:
 * `{ 'spec.rules': 'list', 'spec.rules[]': 'object', 'spec.rules[].host': 'string', 'metadata.labels{}': 'string' }`.
 * Absent and null fields are fine; a field under one of the wrong type is not looked at (its
 * parent's finding says it all). Rules whose accessors read leniently state their reads here,
 * so that what they skip over is reported rather than silently taken for absent.
 */
export function wrongTypes (object: unknown, reads: Readonly<Record<string, Expected>>): Finding[] {
  const findings: Finding[] = []
  for (const [pattern, expected] of Object.entries(reads)) {
    for (const { path, value } of resolve(object, pattern.split('.').flatMap(splitList), '')) {
      if (value !== undefined && value !== null && !EXPECTED[expected].test(value)) findings.push(typeFinding(path, value, EXPECTED[expected].name))
    }
  }
  return findings
}

/** `rules[]` → `rules`, `[]`; `labels{}` → `labels`, `{}`. */
function splitList (step: string): string[] {
  return step.endsWith('[]') || step.endsWith('{}') ? [step.slice(0, -2), step.slice(-2)] : [step]
}

function resolve (value: unknown, steps: readonly string[], path: string): { readonly path: string, readonly value: unknown }[] {
  const [step, ...rest] = steps
  if (step === undefined) return [{ path, value }]
  if (step === '[]') return (asList(value) ?? []).flatMap((item, index) => resolve(item, rest, `${path}[${index}]`))
  if (step === '{}') return Object.entries(asObject(value) ?? {}).flatMap(([key, item]) => resolve(item, rest, `${path}[${JSON.stringify(key)}]`))
  const object = asObject(value)
  if (object === undefined || !Object.hasOwn(object, step)) return []
  return resolve(object[step], rest, path === '' ? step : `${path}.${step}`)
}
