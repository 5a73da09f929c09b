import Type from 'typebox'
import { OPERATORS } from './label-selector.ts'

/** A metav1.LabelSelector in a policy: matchLabels and matchExpressions, AND-ed (label-selector.ts reads it). */
export const LabelSelectorSchema = Type.Object({
  matchLabels: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String())),
  matchExpressions: Type.Optional(Type.Array(Type.Object({
    key: Type.String({ minLength: 1 }),
    operator: Type.Enum([...OPERATORS]),
    values: Type.Optional(Type.Array(Type.String()))
  }, { additionalProperties: false })))
}, { additionalProperties: false, description: 'a Kubernetes label selector (matchLabels, matchExpressions)' })
