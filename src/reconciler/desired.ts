import { exemptionOf } from '../engine/match.ts'
import type { CompiledPolicy } from '../engine/policy.ts'
import type { IsolationSettings } from '../engine/rule.ts'
import { MANAGED_BY_LABEL, MANAGED_BY_NETGUARD } from '../engine/rules/network-policy/network-policy.ts'
import { apiVersionOf, NETWORK_POLICIES } from '../kube/resources.ts'
import { subjectOf } from '../engine/subject.ts'
import type { KubeObject } from '../kube/types.ts'

/** Why the reconciler does or does not keep default isolation in a namespace. */
export type NamespaceVerdict = 'isolated' | 'not-isolated' | 'exempt' | 'terminating'

/** Nobody: the reconciler asks about the namespace itself, so user and group exemptions never count. */
const NO_USER = { username: '', groups: [] }

/**
 * A namespace is isolated when it carries the isolation label, is not exempt (by name or by
 * labels, as the webhooks' review exempts requests in it) and is not being deleted: a terminating
 * namespace refuses new content anyway, and writing into it would only race the namespace
 * controller. Pure.
 */
export function namespaceVerdict (namespace: KubeObject, policy: CompiledPolicy, now: Date): NamespaceVerdict {
  const metadata = namespace.metadata ?? {}
  const phase = (namespace.status as { phase?: string } | undefined)?.phase
  if (metadata.deletionTimestamp !== undefined || phase === 'Terminating') return 'terminating'
  const exemption = exemptionOf(subjectOf(namespace, { user: NO_USER, now }), policy)
  if (exemption === 'namespace' || exemption === 'namespaceSelector') return 'exempt'
  const { isolation } = policy.shared
  return metadata.labels?.[isolation.label] === isolation.value ? 'isolated' : 'not-isolated'
}

/** The NetworkPolicies an isolated namespace keeps, as netguard would create them. Pure. */
export function desiredNetworkPolicies (namespace: string, isolation: IsolationSettings): KubeObject[] {
  return isolation.networkPolicies.map(({ name, labels, spec }) => ({
    apiVersion: apiVersionOf(NETWORK_POLICIES),
    kind: NETWORK_POLICIES.kind,
    metadata: { name, namespace, labels: { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY_NETGUARD } },
    spec
  }))
}
