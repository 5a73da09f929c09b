import { apiVersionOf, MULTI_NETWORK_POLICIES, NETWORK_POLICIES } from '../kube/resources.ts'
import { kindKey, type KindRef, type KubeObject, type LabelSelector } from '../kube/types.ts'
import { canonicalSelector } from './label-selector.ts'
import { asObject, metaOf } from './read.ts'
import type { IsolationSettings } from './rule.ts'
import { POLICY_FOR_ANNOTATION } from './rules/multi-network-policy/multi-network-policy.ts'
import { isManaged, MANAGED_BY_LABEL, MANAGED_BY_NETGUARD } from './rules/network-policy/network-policy.ts'

// The objects of default isolation as netguard writes them. The reconciler keeps them; the review
// recognises them (isNetguardsOwn), so that every front tells netguard's own objects from a
// tenant's, also where no request says who wrote them (`audit` of what a cluster holds).

const MANAGED = { [MANAGED_BY_LABEL]: MANAGED_BY_NETGUARD }
const NETWORK_POLICY_KEY = kindKey(NETWORK_POLICIES)
const MULTI_NETWORK_POLICY_KEY = kindKey(MULTI_NETWORK_POLICIES)

/** The NetworkPolicies an isolated namespace keeps, as netguard would create them (none when the baseline isolates). Pure. */
export function desiredNetworkPolicies (namespace: string, isolation: IsolationSettings): KubeObject[] {
  return isolation.mechanism === 'networkPolicies' ? isolationNetworkPolicies(namespace, isolation) : []
}

/** spec.isolation.networkPolicies as NetworkPolicies of the namespace, whichever the mechanism. */
function isolationNetworkPolicies (namespace: string, isolation: IsolationSettings): KubeObject[] {
  return isolation.networkPolicies.map(({ name, labels, spec }) => ({
    apiVersion: apiVersionOf(NETWORK_POLICIES),
    kind: NETWORK_POLICIES.kind,
    metadata: { name, namespace, labels: { ...labels, ...MANAGED } },
    spec
  }))
}

/**
 * One deny-by-default MultiNetworkPolicy per secondary network (NetworkAttachmentDefinition) of
 * an isolated namespace, as OKD's "default deny all multi-network policy": ingress on the
 * network is refused until the tenant's own MultiNetworkPolicies allow it. Pure.
 */
export function desiredMultiNetworkPolicies (namespace: string, attachments: readonly KubeObject[]): KubeObject[] {
  return attachments.flatMap((attachment) => {
    const network = attachment.metadata?.name
    return network === undefined ? [] : [denyPolicy(namespace, network)]
  })
}

function denyPolicy (namespace: string, network: string): KubeObject {
  return {
    apiVersion: apiVersionOf(MULTI_NETWORK_POLICIES),
    kind: MULTI_NETWORK_POLICIES.kind,
    metadata: { name: denyPolicyName(network), namespace, labels: { ...MANAGED }, annotations: { [POLICY_FOR_ANNOTATION]: `${namespace}/${network}` } },
    spec: { podSelector: {}, policyTypes: ['Ingress'] }
  }
}

const DENY_PREFIX = 'netguard-deny-'
const MAX_NAME = 253

/** `netguard-deny-<network>`, shortened with a hash of the network name when that would be too long for a name. */
export function denyPolicyName (network: string): string {
  const name = `${DENY_PREFIX}${network}`
  if (name.length <= MAX_NAME) return name
  const hash = fnv1a(network).toString(16).padStart(8, '0')
  return `${name.slice(0, MAX_NAME - hash.length - 1).replace(/[.-]+$/, '')}-${hash}`
}

function fnv1a (text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0
  return hash
}

/**
 * Whether `object`, reviewed as `kind`, is a NetworkPolicy or MultiNetworkPolicy of default isolation exactly as
 * netguard writes it in its namespace: labelled managed-by netguard, named as one of
 * spec.isolation.networkPolicies or as the deny policy of the network its `policy-for` names in
 * its own namespace, with that
 * spec (by meaning: the API server's defaults do not count), those labels and annotations and no
 * others, and no owner or finalizer. The label alone proves nothing: anyone can write it; an
 * object that matches opens nothing netguard would not open itself. Whether the reconciler still
 * keeps it (the namespace still labelled, the mechanism or secondaryNetworks unchanged, the
 * network still there) does not count: netguard never deletes what it wrote. Pure; never throws.
 */
export function isNetguardsOwn (kind: KindRef, object: KubeObject | undefined, isolation: IsolationSettings): boolean {
  // Every review asks: the kind first, so that a Service or a Route costs a string comparison.
  const key = kindKey(kind)
  if (key !== NETWORK_POLICY_KEY && key !== MULTI_NETWORK_POLICY_KEY) return false
  if (object === undefined || !isManaged(object)) return false
  const { name, namespace, annotations } = metaOf(object)
  if (name === undefined || namespace === undefined) return false
  let wanted: KubeObject | undefined
  if (key === NETWORK_POLICY_KEY) {
    wanted = isolationNetworkPolicies(namespace, isolation).find((policy) => policy.metadata?.name === name)
  } else {
    const network = annotations[POLICY_FOR_ANNOTATION]?.startsWith(`${namespace}/`) === true ? annotations[POLICY_FOR_ANNOTATION].slice(namespace.length + 1) : undefined
    wanted = network === undefined || network === '' ? undefined : denyPolicy(namespace, network)
  }
  return wanted !== undefined && wanted.metadata?.name === name && writtenAs(object, wanted)
}

/** The metadata netguard writes (labels, annotations) exactly, no owner or finalizer, and the spec by meaning. */
function writtenAs (object: KubeObject, wanted: KubeObject): boolean {
  // isManaged found the label: metadata is an object.
  const metadata = object.metadata as Readonly<Record<string, unknown>>
  const none = (value: unknown): boolean => value === undefined || (Array.isArray(value) && value.length === 0)
  if (!none(metadata['ownerReferences']) || !none(metadata['finalizers'])) return false
  if (!sameEntries(metadata['labels'], wanted.metadata?.labels) || !sameEntries(metadata['annotations'], wanted.metadata?.annotations)) return false
  try {
    return JSON.stringify(normalSpec(object.spec)) === JSON.stringify(normalSpec(wanted.spec))
  } catch {
    return false // a spec of the wrong shape is no spec netguard wrote
  }
}

/** The same keys with the same values (a value of another type than string is never one); absent equals empty. */
function sameEntries (found: unknown, wanted: Readonly<Record<string, string>> = {}): boolean {
  const entries = Object.entries(asObject(found) ?? {})
  return entries.length === Object.keys(wanted).length && entries.every(([key, value]) => wanted[key] === value)
}

interface Spec {
  readonly podSelector?: LabelSelector
  readonly policyTypes?: readonly string[]
  readonly ingress?: readonly Rule[]
  readonly egress?: readonly Rule[]
}
interface Rule {
  readonly from?: readonly Peer[]
  readonly to?: readonly Peer[]
  readonly ports?: readonly { readonly protocol?: string, readonly port?: number | string, readonly endPort?: number }[]
}
interface Peer {
  readonly podSelector?: LabelSelector
  readonly namespaceSelector?: LabelSelector
  readonly ipBlock?: { readonly cidr?: string, readonly except?: readonly string[] }
}

/**
 * A NetworkPolicy spec (or MultiNetworkPolicy spec, the same shape) in one canonical form with a
 * fixed key order, so that two specs that mean the same serialise the same. An absent selector
 * and an empty one stay different: in a peer they mean different things.
 */
export function normalSpec (value: unknown): unknown {
  const spec = (typeof value === 'object' && value !== null ? value : {}) as Spec
  const egress = (spec.egress ?? []).map((rule) => normalRule(rule.to, rule))
  const declared = spec.policyTypes ?? []
  return {
    podSelector: normalSelector(spec.podSelector ?? {}),
    // The API server sets policyTypes when it is left out: Ingress, plus Egress when there are egress rules.
    policyTypes: declared.length > 0 ? [...new Set(declared)].sort() : egress.length > 0 ? ['Egress', 'Ingress'] : ['Ingress'],
    ingress: (spec.ingress ?? []).map((rule) => normalRule(rule.from, rule)),
    egress
  }
}

function normalRule (peers: readonly Peer[] | undefined, rule: Rule): unknown {
  return {
    peers: (peers ?? []).map((peer) => ({
      podSelector: normalSelector(peer.podSelector),
      namespaceSelector: normalSelector(peer.namespaceSelector),
      ipBlock: peer.ipBlock === undefined ? undefined : { cidr: peer.ipBlock.cidr, except: [...peer.ipBlock.except ?? []].sort() }
    })),
    ports: (rule.ports ?? []).map((port) => ({ protocol: port.protocol ?? 'TCP', port: port.port, endPort: port.endPort }))
  }
}

function normalSelector (selector: LabelSelector | undefined): unknown {
  return selector === undefined ? undefined : canonicalSelector(selector)
}
