import Type from 'typebox'
import { ISOLATION_LABEL } from '../../../mutation/namespace.ts'
import type { KindRef, KubeObject } from '../../../kube/types.ts'
import { clusterObjects, derivedFrom, WhenUnknownSchema } from '../../cluster.ts'
import { NAMESPACE_NAME_LABEL, readLabelSelector, selectorKeys } from '../../label-selector.ts'
import { asObject } from '../../read.ts'
import { defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { ANP_KIND, BANP_KIND, adminPolicySpec, adminRules } from '../admin-network-policy/admin-network-policy.ts'
import { EGRESS_IP_KIND } from '../egress/egress.ts'
import { CUDN_KIND } from '../user-defined-network/network.ts'
import { labelChange, labelsOf, NAMESPACE_KIND, NAMESPACE_LABEL_FIELDS } from './namespace.ts'

/** One namespace selector of an object, as written: its path and value. */
type SelectorAt = readonly [path: string, value: unknown]

/** The selector of an EgressIP or a ClusterUserDefinedNetwork. */
const specSelector = (object: KubeObject): SelectorAt[] => [['spec.namespaceSelector', asObject(object['spec'])?.['namespaceSelector']]]

/** Each namespace selector of an admin network policy: its subject's, and its rules' peers'. */
function adminPolicySelectors (object: KubeObject): SelectorAt[] {
  const subject = asObject(adminPolicySpec(object)['subject']) ?? {}
  const selectors: SelectorAt[] = [
    ['spec.subject.namespaces', subject['namespaces']],
    ['spec.subject.pods.namespaceSelector', asObject(subject['pods'])?.['namespaceSelector']]
  ]
  for (const rule of adminRules(object)) {
    for (const [index, peer] of rule.peers.entries()) {
      const path = `${rule.peersPath}[${index}]`
      selectors.push([`${path}.namespaces`, peer['namespaces']], [`${path}.pods.namespaceSelector`, asObject(peer['pods'])?.['namespaceSelector']])
    }
  }
  return selectors
}

/** The cluster-scoped kinds that pick namespaces by label, where, and what their choice decides (for the tenant). */
const SELECTING: readonly { readonly kind: KindRef, readonly selectors: (object: KubeObject) => SelectorAt[], readonly decides: string }[] = [
  { kind: EGRESS_IP_KIND[0], selectors: specSelector, decides: 'an EgressIP selects namespaces by it (the source address their pods leave the cluster with)' },
  { kind: CUDN_KIND, selectors: specSelector, decides: 'a ClusterUserDefinedNetwork selects namespaces by it (the network their pods join)' },
  { kind: ANP_KIND, selectors: adminPolicySelectors, decides: 'an AdminNetworkPolicy selects namespaces by it (which of a cluster admin\'s rules apply to them, or let them in)' },
  { kind: BANP_KIND, selectors: adminPolicySelectors, decides: 'the BaselineAdminNetworkPolicy selects namespaces by it (the cluster\'s default rules for them)' }
]

const FIX = 'leave the label as it was; a cluster admin (an exempt user or group) sets it, or use a label key no cluster network object selects by'
/** How many selecting objects the admin's detail names. */
const NAMED = 5

/**
 * A cluster-scoped network object picks namespaces by label: an EgressIP (the source address
 * their pods leave with, which firewalls outside trust), a ClusterUserDefinedNetwork (the network
 * they join), an AdminNetworkPolicy or the BaselineAdminNetworkPolicy (the admin's Deny rules a
 * namespace is subject to, the Allow rules it is a peer of). Those labels are the admin's: a
 * tenant who may edit its Namespace would otherwise join another team's egress IP or network,
 * or step out of a Deny, by labelling it. So setting, changing or removing a label whose key any
 * such selector reads (matchLabels or matchExpressions, whatever the operator) is reserved to
 * exempt users and groups. Per key, not per membership: a value that selects nothing today is
 * selected once the admin edits the object, and refusing by key tells a tenant which keys are
 * taken, never which values another team's objects select.
 */
export const nsSelectedLabels = defineRule({
  type: 'validate',
  id: 'NS-SELECTED-LABELS',
  kinds: NAMESPACE_KIND,
  operations: ['CREATE', 'UPDATE'],
  reads: SELECTING.map(({ kind }) => kind),
  defaultAction: 'deny',
  fields: NAMESPACE_LABEL_FIELDS,
  judgesChanges: true,
  guardsExemptions: true,
  summary: 'setting, changing or removing a Namespace label that an EgressIP, ClusterUserDefinedNetwork or (Baseline)AdminNetworkPolicy selects namespaces by, by anyone not exempt (needs cluster state)',
  category: 'Multitenancy',
  severity: 'high',
  settings: Type.Object({
    whenUnknown: Type.Optional(WhenUnknownSchema),
    allowedLabels: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
      description: 'label keys anyone may set although a cluster object selects by them: opt-in labels an admin offers tenants on purpose'
    }))
  }),
  defaults: { whenUnknown: 'warn', allowedLabels: [] },
  compile (settings, shared) {
    // The API server sets the name label itself; the isolation label is NS-ISOLATION-OPTOUT's to
    // judge (netguard's own baseline selects by it, and NS-ISOLATION adds it to every namespace).
    const free = new Set([...settings.allowedLabels, NAMESPACE_NAME_LABEL, shared?.isolation.label ?? ISOLATION_LABEL])
    return { whenUnknown: settings.whenUnknown, free }
  },
  check (object, context, settings) {
    const now = labelsOf(object)
    const before = context.operation === 'UPDATE' ? labelsOf(context.oldObject) : new Map<string, string>()
    const changed = [...new Set([...before.keys(), ...now.keys()])].filter((key) => now.get(key) !== before.get(key) && !settings.free.has(key))
    if (changed.length === 0) return []
    const indexes: { readonly decides: string, readonly byKey: ReadonlyMap<string, readonly string[]> }[] = []
    for (const { kind, selectors, decides } of SELECTING) {
      const found = clusterObjects(context, kind, settings.whenUnknown)
      if ('unknown' in found) return [found.unknown]
      indexes.push({ decides, byKey: derivedFrom(found.objects, settings, (objects) => selectorsByKey(objects, kind, selectors)) })
    }
    const findings: Finding[] = []
    for (const key of changed) {
      const selecting = indexes.filter(({ byKey }) => byKey.has(key))
      if (selecting.length === 0) continue
      const selectors = selecting.flatMap(({ byKey }) => byKey.get(key) ?? [])
      const named = selectors.slice(0, NAMED).join(', ') + (selectors.length > NAMED ? ` and ${selectors.length - NAMED} more` : '')
      const { path, change } = labelChange(key, before.get(key), now.get(key))
      findings.push({
        path,
        message: `${change} is reserved to exempt users and groups: ${selecting.map(({ decides }) => decides).join('; ')}`,
        fix: FIX,
        detail: `selected by ${named}`
      })
    }
    return findings
  }
})

/** Every namespace selector of objects of one kind (`EgressIP blue (spec.namespaceSelector)`), by the label keys it reads. */
function selectorsByKey (objects: readonly KubeObject[], kind: KindRef, selectorsOf: (object: KubeObject) => SelectorAt[]): ReadonlyMap<string, readonly string[]> {
  const index = new Map<string, string[]>()
  for (const object of objects) {
    for (const [path, value] of selectorsOf(object)) {
      const selector = `${kind.kind} ${object.metadata?.name ?? ''} (${path})`
      for (const key of selectorKeys(readLabelSelector(value, path).selector)) {
        const known = index.get(key)
        if (known === undefined) index.set(key, [selector])
        else known.push(selector)
      }
    }
  }
  return index
}
