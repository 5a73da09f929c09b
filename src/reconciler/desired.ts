import { isEmptySelector, readLabelSelector } from '../engine/label-selector.ts'
import { exemptionOf } from '../engine/match.ts'
import type { CompiledPolicy } from '../engine/policy.ts'
import type { IsolationSettings, ManagedNetworkPolicy } from '../engine/rule.ts'
import { MANAGED_BY_LABEL, MANAGED_BY_NETGUARD } from '../engine/rules/network-policy/network-policy.ts'
import { subjectOf } from '../engine/subject.ts'
import { apiVersionOf, BASELINE_ADMIN_NETWORK_POLICIES } from '../kube/resources.ts'
import type { KubeObject, LabelSelector, NetworkPolicyPeer, NetworkPolicyPort } from '../kube/types.ts'

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

/** The one BaselineAdminNetworkPolicy a cluster may have: the API accepts no other name. */
export const BASELINE_NAME = 'default'
const NAME_LABEL = 'kubernetes.io/metadata.name'
/** Rules per direction the API accepts in one policy. */
const MAX_RULES = 100

export interface Baseline {
  readonly object: KubeObject
  /** What the isolation NetworkPolicies say that a BaselineAdminNetworkPolicy cannot, for the log. */
  readonly untranslated: readonly string[]
}

/**
 * The BaselineAdminNetworkPolicy that isolates every isolated namespace at once (mechanism
 * `baselineAdminNetworkPolicy`): its subject is the isolation label, less the labelled namespaces
 * that are exempt (`notIsolated`); its ingress rules are the ingress rules of the isolation
 * NetworkPolicies that select every pod, each an Allow, then a Deny of every other pod, where
 * they isolate ingress. Pure.
 *
 * What policy.networking.k8s.io/v1alpha1 cannot say is left out and listed in `untranslated`:
 * the namespace's own pods as a peer (a rule applies to every subject namespace alike, so there
 * is no "same namespace"), ipBlocks (ingress peers are pods only), egress, and policies for
 * some pods only.
 */
export function desiredBaseline (isolation: IsolationSettings, notIsolated: readonly string[]): Baseline {
  const untranslated: string[] = []
  const ingress: Record<string, unknown>[] = []
  let isolatesIngress = false
  for (const policy of isolation.networkPolicies) {
    const spec = policy.spec as { podSelector?: LabelSelector, policyTypes?: readonly string[], ingress?: readonly { from?: readonly NetworkPolicyPeer[], ports?: readonly NetworkPolicyPort[] }[], egress?: readonly unknown[] }
    if (!isEmptySelector(readLabelSelector(spec.podSelector ?? {}, 'spec.podSelector').selector)) {
      untranslated.push(`${policy.name}: it selects some pods only`)
      continue
    }
    const types = new Set(spec.policyTypes ?? (spec.egress !== undefined && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']))
    if (types.has('Egress')) untranslated.push(`${policy.name}: egress`)
    if (!types.has('Ingress')) continue
    isolatesIngress = true
    for (const [index, rule] of (spec.ingress ?? []).entries()) {
      const from = translatePeers(policy, index, rule.from, untranslated)
      if (from.length === 0) continue
      const ports = rule.ports?.map(translatePort)
      ingress.push({ name: ruleName(policy, index, spec.ingress?.length ?? 0), action: 'Allow', from, ...(ports === undefined || ports.length === 0 ? {} : { ports }) })
    }
  }
  if (ingress.length > MAX_RULES - 1) untranslated.push(`${ingress.splice(MAX_RULES - 1).length} ingress rules beyond the ${MAX_RULES} a policy may hold`)
  if (isolatesIngress) ingress.push({ name: 'netguard-deny-by-default', action: 'Deny', from: [{ namespaces: {} }] })
  const names = [...new Set(notIsolated)].sort()
  return {
    untranslated,
    object: {
      apiVersion: apiVersionOf(BASELINE_ADMIN_NETWORK_POLICIES),
      kind: BASELINE_ADMIN_NETWORK_POLICIES.kind,
      metadata: { name: BASELINE_NAME, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_NETGUARD } },
      spec: {
        subject: {
          namespaces: {
            matchLabels: { [isolation.label]: isolation.value },
            ...(names.length === 0 ? {} : { matchExpressions: [{ key: NAME_LABEL, operator: 'NotIn', values: names }] })
          }
        },
        ingress
      }
    }
  }
}

/** A rule name (at most 100 characters) that says which isolation policy it comes from. */
function ruleName (policy: ManagedNetworkPolicy, index: number, count: number): string {
  return (count > 1 ? `${policy.name}-${index}` : policy.name).slice(0, 100)
}

function translatePeers (policy: ManagedNetworkPolicy, index: number, peers: readonly NetworkPolicyPeer[] | undefined, untranslated: string[]): Record<string, unknown>[] {
  // A rule without peers admits every source; of those, the baseline can name every pod.
  if (peers === undefined || peers.length === 0) return [{ namespaces: {} }]
  return peers.flatMap((peer, at) => {
    const where = `${policy.name}: ingress[${index}].from[${at}]`
    if (peer.ipBlock !== undefined) {
      untranslated.push(`${where} (an ipBlock)`)
      return []
    }
    if (peer.namespaceSelector === undefined) {
      untranslated.push(`${where} (the namespace's own pods)`)
      return []
    }
    return [peer.podSelector === undefined
      ? { namespaces: peer.namespaceSelector }
      : { pods: { namespaceSelector: peer.namespaceSelector, podSelector: peer.podSelector } }]
  })
}

/** A NetworkPolicy port as an admin policy port; a protocol without a port is its whole range. */
function translatePort (port: NetworkPolicyPort): Record<string, unknown> {
  const protocol = port.protocol ?? 'TCP'
  if (typeof port.port === 'string') return { namedPort: port.port }
  if (port.port === undefined) return { portRange: { protocol, start: 1, end: 65535 } }
  if (port.endPort !== undefined) return { portRange: { protocol, start: port.port, end: port.endPort } }
  return { portNumber: { protocol, port: port.port } }
}
