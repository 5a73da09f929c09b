import type { CompiledPolicy, IsolationSettings } from '../engine/policy.ts'
import { MANAGED_BY_LABEL, MANAGED_BY_NETGUARD } from '../engine/rules/network-policy/network-policy.ts'
import { apiVersionOf, NETWORK_POLICIES } from '../kube/resources.ts'
import type { KubeObject } from '../kube/types.ts'

/** Why the reconciler does or does not keep default isolation in a namespace. */
export type NamespaceVerdict = 'isolated' | 'not-isolated' | 'exempt' | 'terminating'

/**
 * A namespace is isolated when it carries the isolation label, is not exempt (by name or by
 * labels) and is not being deleted: a terminating namespace refuses new content anyway, and
 * writing into it would only race the namespace controller. Pure.
 */
export function namespaceVerdict (namespace: KubeObject, policy: CompiledPolicy): NamespaceVerdict {
  const metadata = namespace.metadata ?? {}
  const phase = (namespace.status as { phase?: string } | undefined)?.phase
  if (metadata.deletionTimestamp !== undefined || phase === 'Terminating') return 'terminating'
  const labels = metadata.labels ?? {}
  const { exemptions, shared: { isolation } } = policy
  if (exemptions.namespaces.matches(metadata.name ?? '') || exemptions.namespaceSelectors.some((selector) => selector.matches(labels))) return 'exempt'
  return labels[isolation.label] === isolation.value ? 'isolated' : 'not-isolated'
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
