import Type from 'typebox'
import type { KubeObject } from '../../../kube/types.ts'
import { NAMESPACE_NAME_LABEL, readLabelSelector, selectorKeys } from '../../label-selector.ts'
import { defineRule, type ManagedNetworkPolicy } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { directedRules } from '../network-policy/network-policy.ts'
import { IGNORE_LABEL, labelChange, labelsOf, NAMESPACE_KIND, NAMESPACE_LABEL_FIELDS, RUN_LEVEL_LABEL } from './namespace.ts'

const REASONS: Readonly<Record<string, string>> = {
  [IGNORE_LABEL]: 'netguard\'s webhooks skip a namespace that carries it',
  [RUN_LEVEL_LABEL]: 'netguard\'s webhooks skip a namespace that carries it, as OpenShift\'s own admission does'
}
const LISTED = 'netguard\'s webhooks skip a namespace that carries it'
const EXEMPTING = 'it decides whether netguard exempts the namespace (spec.exemptions.namespaceSelector)'
const EXCEPTING = 'it decides where an exception of the policy applies'
const ADMITTING = (name: string): string => `netguard's default isolation lets the namespaces that carry it in (spec.isolation.networkPolicies ${name})`
const FIX = 'leave the label as it was; a cluster admin (an exempt user or group) sets it'

/**
 * The labels that switch netguard off for a namespace are an admin's tool: `netguard.io/ignore`
 * and `openshift.io/run-level` (both webhook configurations skip namespaces that carry them),
 * the keys of the policy's exemption and exception namespace selectors, and the keys that the
 * namespace selectors of netguard's own isolation policies read (the router's and monitoring's
 * policy-group labels). Whoever sets one steps around every rule, or into every isolated
 * namespace, so only exempt users and groups may set, change or remove them; an exempt namespace
 * name is no pass (a tenant may create `kube-evil`), hence guardsExemptions.
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
  summary: `setting, changing or removing a label that switches netguard off (${IGNORE_LABEL}, ${RUN_LEVEL_LABEL}), decides an exemption or exception, or lets a namespace through netguard's isolation, by anyone not exempt`,
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
    for (const { name, keys } of isolationPeerKeys(shared?.isolation.networkPolicies ?? [])) for (const key of keys) if (!reserved.has(key)) reserved.set(key, ADMITTING(name))
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

/**
 * The label keys the namespace selectors of netguard's own isolation policies read, per policy:
 * `policy-group.network.openshift.io/ingress` lets the router in, `network.openshift.io/policy-group`
 * monitoring. A tenant who labels its namespace so is let into every isolated namespace.
 */
function isolationPeerKeys (policies: readonly ManagedNetworkPolicy[]): { name: string, keys: ReadonlySet<string> }[] {
  return policies.map(({ name, spec }) => {
    const policy: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', spec }
    const selectors = (['Ingress', 'Egress'] as const).flatMap((direction) => directedRules(policy, direction))
      .flatMap(({ peers, peersPath }) => (peers ?? []).map((peer, index) => readLabelSelector(peer.namespaceSelector, `${peersPath}[${index}].namespaceSelector`).selector))
    return { name, keys: new Set(selectors.flatMap((selector) => [...selectorKeys(selector)])) }
  })
}
