import Type, { type Static, type TObject } from 'typebox'
import { RULES } from '../engine/rules/index.ts'
import type { Rule } from '../engine/rule.ts'
import { ACTIONS, MODES, MUTATION_ACTIONS } from '../engine/types.ts'
import { LabelSelectorSchema } from '../engine/selector-settings.ts'
import { IsolationSchema } from './isolation.ts'

export const POLICY_API_VERSION = 'netguard.io/v1alpha1'
export const POLICY_KIND = 'NetworkGuardPolicy'

const Globs = Type.Array(Type.String({ minLength: 1 }))

/** A rule's entry in `spec.rules`: its action plus its own settings, nothing else. */
function ruleEntrySchema (rule: Rule): TObject {
  const actions: readonly string[] = rule.type === 'validate' ? ACTIONS : MUTATION_ACTIONS
  return Type.Object(
    { action: Type.Optional(Type.Enum([...actions])), ...rule.settings.properties },
    { additionalProperties: false, description: rule.summary }
  )
}

const ruleIds = RULES.map((rule) => rule.id)

export const PolicyDocumentSchema = Type.Object({
  apiVersion: Type.Literal(POLICY_API_VERSION),
  kind: Type.Literal(POLICY_KIND),
  metadata: Type.Optional(Type.Object({ name: Type.Optional(Type.String()) })),
  spec: Type.Object({
    mode: Type.Optional(Type.Enum([...MODES])),
    exemptions: Type.Optional(Type.Object({
      namespaces: Type.Optional(Globs),
      users: Type.Optional(Globs),
      groups: Type.Optional(Globs),
      namespaceSelector: Type.Optional(LabelSelectorSchema)
    }, { additionalProperties: false })),
    exceptions: Type.Optional(Type.Array(Type.Object({
      name: Type.String({ minLength: 1 }),
      rules: Type.Array(Type.Enum(ruleIds), { minItems: 1 }),
      namespaces: Type.Optional(Globs),
      namespaceSelector: Type.Optional(LabelSelectorSchema),
      reason: Type.String({ minLength: 1 }),
      expires: Type.Optional(Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$',
        description: 'a date (2027-01-31) or an RFC 3339 time (2027-01-31T18:00:00Z)'
      }))
    }, { additionalProperties: false }))),
    allowExistingViolations: Type.Optional(Type.Boolean({
      description: 'on UPDATE, a deny that the object already had before the change only warns'
    })),
    isolation: Type.Optional(IsolationSchema),
    rules: Type.Optional(Type.Object(
      Object.fromEntries(RULES.map((rule) => [rule.id, Type.Optional(ruleEntrySchema(rule))])),
      { additionalProperties: false }
    ))
  }, { additionalProperties: false })
}, { additionalProperties: false })

export type PolicyDocument = Static<typeof PolicyDocumentSchema>
