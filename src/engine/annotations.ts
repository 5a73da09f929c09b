import Type, { type Static } from 'typebox'
import type { KindRef, KubeObject } from '../kube/types.ts'
import { compileGlobs, type GlobSet } from './glob.ts'
import { CONTENT_OPERATIONS, defineRule, SettingError, type Category, type Rule, type Severity } from './rule.ts'
import type { Finding, ReviewContext } from './types.ts'

// Forbidden and required annotations, shared by the rules of every kind whose controller reads
// its configuration from annotations (router and ingress-controller annotations).

export const AnnotationSettingsSchema = Type.Object({
  forbiddenKeys: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'annotation keys (globs) that may not be set, e.g. *-snippet' })),
  forbiddenValues: Type.Optional(Type.Array(Type.Object({
    pattern: Type.String({ minLength: 1, description: 'regular expression (JavaScript syntax) searched anywhere in the value' }),
    keys: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'annotation keys (globs) it applies to; default every key' }))
  }, { additionalProperties: false }), { description: 'values no annotation may carry' })),
  constraints: Type.Optional(Type.Array(Type.Object({
    key: Type.String({ minLength: 1, description: 'the annotation key' }),
    namespaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'namespaces (globs) it applies in; default every namespace' })),
    required: Type.Optional(Type.Boolean({ description: 'the annotation must be present and non-empty' })),
    values: Type.Optional(Type.Array(Type.String(), { description: 'allowed values; [] or absent allows any' })),
    pattern: Type.Optional(Type.String({ minLength: 1, description: 'regular expression the whole value must match' }))
  }, { additionalProperties: false }), { description: 'annotations that must be present and/or may only take certain values, per namespace' }))
})

export type AnnotationSettings = Required<Static<typeof AnnotationSettingsSchema>>

export const ANNOTATION_DEFAULTS: AnnotationSettings = { forbiddenKeys: [], forbiddenValues: [], constraints: [] }

export interface CompiledAnnotations {
  readonly forbiddenKeys: GlobSet
  readonly forbiddenValues: readonly { readonly pattern: RegExp, readonly keys: GlobSet }[]
  readonly constraints: readonly {
    readonly key: string
    readonly namespaces: GlobSet
    readonly required: boolean
    readonly values: readonly string[]
    readonly pattern: { readonly text: string, readonly regexp: RegExp } | undefined
  }[]
}

const EVERYTHING = ['*']

export function compileAnnotations (settings: AnnotationSettings): CompiledAnnotations {
  return {
    forbiddenKeys: compileGlobs(settings.forbiddenKeys),
    forbiddenValues: settings.forbiddenValues.map((entry, index) => ({
      pattern: regExp(['forbiddenValues', index, 'pattern'], entry.pattern),
      keys: compileGlobs(entry.keys ?? EVERYTHING)
    })),
    constraints: settings.constraints.map((entry, index) => ({
      key: entry.key,
      namespaces: compileGlobs(entry.namespaces ?? EVERYTHING),
      required: entry.required ?? false,
      values: entry.values ?? [],
      pattern: entry.pattern === undefined
        ? undefined
        : { text: entry.pattern, regexp: regExp(['constraints', index, 'pattern'], `^(?:${entry.pattern})$`) }
    }))
  }
}

function regExp (path: (string | number)[], source: string): RegExp {
  try {
    return new RegExp(source)
  } catch (error) {
    throw new SettingError(path, `not a valid regular expression (${(error as Error).message})`)
  }
}

/** Findings for the annotations of `object`; `noun` names the kind in messages ("Routes"). */
export function checkAnnotations (object: KubeObject, context: ReviewContext, rules: CompiledAnnotations, noun: string): Finding[] {
  const raw = object.metadata?.annotations
  const annotations: Readonly<Record<string, unknown>> = typeof raw === 'object' && raw !== null ? raw : {}
  const findings: Finding[] = []
  for (const [key, value] of Object.entries(annotations)) {
    const path = annotationPath(key)
    const text = typeof value === 'string' ? value : ''
    if (rules.forbiddenKeys.matches(key)) {
      findings.push({ path, message: `${path} is not allowed on ${noun}`, fix: 'remove the annotation' })
      continue
    }
    const forbidden = rules.forbiddenValues.find(({ pattern, keys }) => keys.matches(key) && pattern.test(text))
    if (forbidden !== undefined) {
      findings.push({ path, message: `${path} has a forbidden value (matches /${forbidden.pattern.source}/)`, fix: 'remove the annotation or change its value' })
    }
  }
  const namespace = context.namespace ?? ''
  for (const constraint of rules.constraints) {
    if (!constraint.namespaces.matches(namespace)) continue
    const path = annotationPath(constraint.key)
    const value = annotations[constraint.key]
    const allowed = constraint.values.length > 0 ? `one of ${constraint.values.join(', ')}` : undefined
    if (typeof value !== 'string' || value === '') {
      if (constraint.required) {
        const where = context.namespace === undefined ? '' : ` in namespace ${context.namespace}`
        findings.push({ path, message: `${path} is required on ${noun}${where}`, fix: allowed === undefined ? 'set it' : `set it to ${allowed}` })
      }
    } else if (allowed !== undefined && !constraint.values.includes(value)) {
      findings.push({ path, message: `${path} ${quote(value)} is not an allowed value`, fix: `use ${allowed}` })
    } else if (constraint.pattern !== undefined && !constraint.pattern.regexp.test(value)) {
      findings.push({ path, message: `${path} ${quote(value)} does not match /${constraint.pattern.text}/`, fix: 'use a value in the allowed format' })
    }
  }
  return findings
}

export function annotationPath (key: string): string {
  return `metadata.annotations["${key}"]`
}

/** A value for a message: quoted, on one line, and short. */
function quote (value: string): string {
  const line = value.replace(/\s+/g, ' ')
  return JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}…` : line)
}

/**
 * The annotation rule of one kind (ROUTE-ANNOTATIONS, ING-ANNOTATIONS): the same settings and
 * checks, off by default, since which annotations matter depends on the controller in use.
 */
export function defineAnnotationRule (spec: { readonly id: string, readonly kinds: readonly KindRef[], readonly noun: string, readonly summary: string, readonly category?: Category, readonly severity?: Severity }): Rule {
  return defineRule({
    type: 'validate',
    id: spec.id,
    kinds: spec.kinds,
    operations: CONTENT_OPERATIONS,
    defaultAction: 'off',
    fields: { metadata: 'object', 'metadata.annotations': 'object', 'metadata.annotations{}': 'string' },
    summary: spec.summary,
    category: spec.category,
    severity: spec.severity,
    settings: AnnotationSettingsSchema,
    defaults: ANNOTATION_DEFAULTS,
    compile: compileAnnotations,
    check: (object, context, rules) => checkAnnotations(object, context, rules, spec.noun)
  })
}
