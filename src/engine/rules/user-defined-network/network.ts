import type { KindRef, KubeObject } from '../../../kube/types.ts'
import { NAMESPACE_KIND_REF } from '../../cluster.ts'
import { readLabelSelector } from '../../label-selector.ts'
import { AddressSet, parseCidr, type Cidr } from '../../net/address-set.ts'
import type { ReviewContext } from '../../types.ts'
import { asList, asObject, shown } from '../../read.ts'

export const UDN_KIND: KindRef = { group: 'k8s.ovn.org', kind: 'UserDefinedNetwork' }
export const CUDN_KIND: KindRef = { group: 'k8s.ovn.org', kind: 'ClusterUserDefinedNetwork' }
export const NETWORK_KINDS = [UDN_KIND, CUDN_KIND] as const

/** The namespace label OVN-Kubernetes requires, from creation on, of a namespace with a primary user-defined network. */
export const PRIMARY_UDN_LABEL = 'k8s.ovn.org/primary-user-defined-network'

/** What OVN-Kubernetes gives a primary network that sets no joinSubnets (types.UserDefinedPrimaryNetworkJoinSubnetV4/V6). */
export const DEFAULT_JOIN_SUBNETS: readonly string[] = ['100.65.0.0/16', 'fd99::/64']

/** One CIDR a network claims, as written. */
export interface NetworkCidr {
  /** `spec.layer3.subnets[0].cidr` */
  readonly path: string
  readonly text: string
  readonly addresses: AddressSet
}

export interface NetworkProblem {
  readonly path: string
  readonly message: string
}

/** A UserDefinedNetwork or ClusterUserDefinedNetwork as OVN-Kubernetes will build it. */
export interface UserDefinedNetwork {
  /** `spec` (UserDefinedNetwork) or `spec.network` (ClusterUserDefinedNetwork). */
  readonly at: string
  /** The `role` field of a section that says `Primary` (a primary network replaces the pods' cluster network), if any. */
  readonly primary: string | undefined
  /** The pod subnets of every topology section. */
  readonly subnets: readonly NetworkCidr[]
  /** A primary network's join subnets: as written, or OVN-Kubernetes' defaults (path ending in `joinSubnets`, `defaulted`). */
  readonly joinSubnets: readonly NetworkCidr[]
  readonly joinDefaulted: boolean
  /** Subnets or join subnets that are not CIDRs. */
  readonly problems: readonly NetworkProblem[]
  /** Localnet: the OVS bridge mapping the pods land on, and the access VLAN. */
  readonly localnet: { readonly path: string, readonly physicalNetworkName: unknown, readonly vlan: unknown } | undefined
}

const parsed = new WeakMap<KubeObject, UserDefinedNetwork>()

/**
 * Reads the network of either kind once per object. Every topology section present is read,
 * whatever `topology` says (the API server allows only the matching one), so no section can
 * carry subnets netguard did not look at.
 */
export function userDefinedNetwork (object: KubeObject, kind: KindRef): UserDefinedNetwork {
  let network = parsed.get(object)
  if (network === undefined) parsed.set(object, network = read(object, kind))
  return network
}

/** The network kind of the object under review: a ClusterUserDefinedNetwork or, by default, a UserDefinedNetwork. */
export function reviewedKind (context: ReviewContext): KindRef {
  return context.kind.kind === CUDN_KIND.kind ? CUDN_KIND : UDN_KIND
}

function read (object: KubeObject, kind: KindRef): UserDefinedNetwork {
  const cluster = kind.kind === CUDN_KIND.kind
  const at = cluster ? 'spec.network' : 'spec'
  const spec = asObject(object['spec']) ?? {}
  const network = (cluster ? asObject(spec['network']) : spec) ?? {}
  const subnets: NetworkCidr[] = []
  const joins: NetworkCidr[] = []
  const problems: NetworkProblem[] = []
  let primary: string | undefined
  let joinDefaulted = false
  for (const section of ['layer2', 'layer3', 'localnet'] as const) {
    const fields = asObject(network[section])
    if (fields === undefined) continue
    const path = `${at}.${section}`
    const isPrimary = fields['role'] === 'Primary'
    if (isPrimary) primary ??= `${path}.role`
    readList(fields['subnets'], `${path}.subnets`, section === 'layer3' ? 'cidr' : undefined, subnets, problems)
    if (fields['joinSubnets'] !== undefined) {
      readList(fields['joinSubnets'], `${path}.joinSubnets`, undefined, joins, problems)
    } else if (isPrimary) {
      joinDefaulted = true
      for (const text of DEFAULT_JOIN_SUBNETS) joins.push({ path: `${path}.joinSubnets`, text, addresses: AddressSet.of([parseCidr(text) as Cidr]) })
    }
  }
  const localnet = asObject(network['localnet'])
  return {
    at,
    primary,
    subnets,
    joinSubnets: joins,
    joinDefaulted,
    problems,
    localnet: localnet === undefined
      ? undefined
      : { path: `${at}.localnet`, physicalNetworkName: localnet['physicalNetworkName'], vlan: asObject(asObject(localnet['vlan'])?.['access'])?.['id'] }
  }
}

/** A list of CIDRs, or (layer3) of objects whose `field` is one. */
function readList (value: unknown, path: string, field: string | undefined, into: NetworkCidr[], problems: NetworkProblem[]): void {
  const list = asList(value)
  if (list === undefined) {
    if (value !== undefined && value !== null) problems.push({ path, message: `${path} ${shown(value)} is not a list of CIDRs` })
    return
  }
  for (const [index, entry] of list.entries()) {
    const entryPath = field === undefined ? `${path}[${index}]` : `${path}[${index}].${field}`
    const text = field === undefined ? entry : asObject(entry)?.[field]
    const cidr = typeof text === 'string' && text.includes('/') ? parseCidr(text) : undefined
    if (cidr === undefined) problems.push({ path: entryPath, message: text === undefined ? `${entryPath} is missing` : `${entryPath} ${shown(text)} is not a CIDR` })
    else into.push({ path: entryPath, text: cidr.text, addresses: AddressSet.of([cidr]) })
  }
}

/**
 * The namespaces a ClusterUserDefinedNetwork's namespaceSelector selects among those the cluster
 * view knows, or undefined when Namespaces are not known (cache not synced, or no state given).
 */
export function selectedNamespaces (object: KubeObject, context: ReviewContext): readonly KubeObject[] | undefined {
  const { selector } = readLabelSelector((asObject(object['spec']) ?? {})['namespaceSelector'], 'spec.namespaceSelector')
  return context.cluster?.list(NAMESPACE_KIND_REF)?.filter((namespace) => selector.matches(namespace.metadata?.labels))
}

/** `shop, bank, pay and 4 more` */
export function namespaceList (namespaces: readonly KubeObject[], shown = 3): string {
  const names = namespaces.slice(0, shown).map((namespace) => namespace.metadata?.name ?? '').join(', ')
  return namespaces.length > shown ? `${names} and ${namespaces.length - shown} more` : names
}
