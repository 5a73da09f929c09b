import Type from 'typebox'
import { NAMESPACE_NAME_LABEL, selectorKeys } from '../../label-selector.ts'
import { defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { IGNORE_LABEL, labelChange, labelsOf, NAMESPACE_KIND, NAMESPACE_LABEL_FIELDS, RUN_LEVEL_LABEL } from './namespace.ts'

const REASONS: Readonly<Record<string, string>> = {
  [IGNORE_LABEL]: 'netguard\'s webhooks skip a namespace that carries it',
  [RUN_LEVEL_LABEL]: 'netguard\'s webhooks skip a namespace that carries it, as OpenShift\'s own admission does'
}
const LISTED = 'netguard\'s webhooks skip a namespace that carries it'
const EXEMPTING = 'it decides whether netguard exempts the namespace (spec.exemptions.namespaceSelector)'
const EXCEPTING = 'it decides where an exception of the policy applies'
const FIX = 'leave the label as it was; a cluster admin (an exempt user or group) sets it'

/**
 * The labels that switch netguard off for a namespace are an admin's tool: `netguard.io/ignore`
 * and `openshift.io/run-level` (both webhook configurations skip namespaces that carry them),
 * and the keys of the policy's exemption and exception namespace selectors. Whoever sets one
 * steps around every rule, so only exempt users and groups may set, change or remove them; an
 * exempt namespace name is no pass (a tenant may create `kube-evil`), hence guardsExemptions.
 */
export const nsReservedLabels = defineRule({
  type: 'validate',
  id: 'NS-RESERVED-LABELS',
  kinds: NAMESPACE_KIND,
  operations: ['CREATE', 'UPDATE'],
  defaultAction: 'deny',
  fields: NAMESPACE_LABEL_FIELDS,
  judgesChanges: true,
  guardsExemptions: true,
  summary: `setting, changing or removing a label that switches netguard off (${IGNORE_LABEL}, ${RUN_LEVEL_LABEL}) or decides an exemption or exception, by anyone not exempt`,
  category: 'Multitenancy',
  severity: 'critical',
  settings: Type.Object({
    labels: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
      description: 'label keys only exempt users and groups may set, change or remove on a Namespace, besides the keys the policy\'s namespace selectors read'
    }))
  }),
  defaults: { labels: [IGNORE_LABEL, RUN_LEVEL_LABEL] },
  compile (settings, shared) {
    const reserved = new Map<string, string>()
    for (const key of settings.labels) reserved.set(key, REASONS[key] ?? LISTED)
    for (const selector of shared?.exemptions.namespaceSelectors ?? []) for (const key of selectorKeys(selector)) if (!reserved.has(key)) reserved.set(key, EXEMPTING)
    for (const selector of shared?.exceptionSelectors ?? []) for (const key of selectorKeys(selector)) if (!reserved.has(key)) reserved.set(key, EXCEPTING)
    // The API server sets the name label itself; nobody can choose it.
    reserved.delete(NAMESPACE_NAME_LABEL)
    return reserved
  },
  check (object, context, reserved) {
    const now = labelsOf(object)
    const before = context.operation === 'UPDATE' ? labelsOf(context.oldObject) : new Map<string, string>()
    const findings: Finding[] = []
    for (const [key, reason] of reserved) {
      const value = now.get(key)
      const old = before.get(key)
      if (value === old) continue
      const { path, change } = labelChange(key, old, value)
      findings.push({ path, message: `${change} is reserved to exempt users and groups: ${reason}`, fix: FIX })
    }
    return findings
  }
})
