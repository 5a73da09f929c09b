import Type from 'typebox'
import type { LabelSelector } from '../kube/types.ts'

/** A metav1.LabelSelector in a policy: matchLabels and matchExpressions, AND-ed. */
export const LabelSelectorSchema = Type.Object({
  matchLabels: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String())),
  matchExpressions: Type.Optional(Type.Array(Type.Object({
    key: Type.String({ minLength: 1 }),
    operator: Type.Enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
    values: Type.Optional(Type.Array(Type.String()))
  }, { additionalProperties: false })))
}, { additionalProperties: false, description: 'a Kubernetes label selector (matchLabels, matchExpressions)' })

export type Labels = Readonly<Record<string, string>>

export interface LabelMatcher {
  matches (labels: Labels): boolean
}

/**
 * Compiles a selector as the API server reads it: every matchLabels pair and every expression
 * must hold; an empty selector matches everything. Returns the problem for a malformed expression
 * (In/NotIn without values, Exists/DoesNotExist with values) instead of a matcher.
 */
export function compileLabelSelector (selector: LabelSelector): LabelMatcher | { readonly problem: string, readonly path: (string | number)[] } {
  const tests: ((labels: Labels) => boolean)[] = []
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) tests.push((labels) => labels[key] === value)
  for (const [index, { key = '', operator = '', values = [] }] of (selector.matchExpressions ?? []).entries()) {
    const test = expressionTest(key, operator, new Set(values))
    if (typeof test === 'string') return { problem: `${operator} ${test}`, path: ['matchExpressions', index, test === 'is not an operator' ? 'operator' : 'values'] }
    tests.push(test)
  }
  return { matches: (labels) => tests.every((test) => test(labels)) }
}

function expressionTest (key: string, operator: string, values: ReadonlySet<string>): ((labels: Labels) => boolean) | string {
  const wantsValues = operator === 'In' || operator === 'NotIn'
  if (wantsValues && values.size === 0) return 'needs at least one value'
  if (!wantsValues && values.size > 0) return 'takes no values'
  switch (operator) {
    case 'In': return (labels) => labels[key] !== undefined && values.has(labels[key])
    case 'NotIn': return (labels) => labels[key] === undefined || !values.has(labels[key])
    case 'Exists': return (labels) => labels[key] !== undefined
    case 'DoesNotExist': return (labels) => labels[key] === undefined
    default: return 'is not an operator'
  }
}
