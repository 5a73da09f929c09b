import Type from 'typebox'
import type { KindRef, KubeObject } from '../../../kube/types.ts'
import { clusterObjects, derivedFrom, sameObject, WhenUnknownSchema } from '../../cluster.ts'
import { AddressSet } from '../../net/address-set.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { CUDN_KIND, NETWORK_KINDS, reviewedKind, UDN_KIND, userDefinedNetwork } from './network.ts'

/** A network another namespace (or the cluster) already holds, with every address its subnets cover. */
interface Held {
  readonly object: KubeObject
  readonly kind: KindRef
  readonly addresses: AddressSet
}

/**
 * Two namespaces' networks on the same addresses: OVN-Kubernetes keeps them apart, until a
 * network is advertised, connected to another or reached through an egress firewall, where an
 * address no longer says whose pod it is. Networks in one namespace belong to one tenant and may
 * overlap; a ClusterUserDefinedNetwork belongs to no namespace and is held apart from every other
 * network. A tenant learns that a range is taken, never by whom; an admin is told which network.
 */
export const udnOverlap = defineRule({
  type: 'validate',
  id: 'UDN-OVERLAP',
  kinds: NETWORK_KINDS,
  operations: CONTENT_OPERATIONS,
  reads: NETWORK_KINDS,
  defaultAction: 'deny',
  summary: 'user-defined network subnets overlapping those of a network in another namespace or of a ClusterUserDefinedNetwork (needs cluster state)',
  settings: Type.Object({ whenUnknown: Type.Optional(WhenUnknownSchema) }),
  defaults: { whenUnknown: 'warn' },
  compile: (settings) => settings,
  check (object, context, settings) {
    const kind = reviewedKind(context)
    const network = userDefinedNetwork(object, kind)
    if (network.subnets.length === 0) return []
    const held: Held[] = []
    for (const other of NETWORK_KINDS) {
      const found = clusterObjects(context, other, settings.whenUnknown)
      if ('unknown' in found) return [found.unknown]
      held.push(...derivedFrom(found.objects, settings, (objects) => objects.map((holder) => ({
        object: holder,
        kind: other,
        addresses: userDefinedNetwork(holder, other).subnets.reduce((set, subnet) => set.union(subnet.addresses), AddressSet.EMPTY)
      }))))
    }
    const namespace = kind === CUDN_KIND ? undefined : context.namespace ?? object.metadata?.namespace
    const self: KubeObject = { metadata: { name: object.metadata?.name ?? context.name, namespace } }
    const rivals = held.filter((other) => !(other.kind === kind && sameObject(other.object, self)) &&
      (kind === CUDN_KIND || other.kind === CUDN_KIND || other.object.metadata?.namespace !== namespace))
    const findings: Finding[] = []
    for (const subnet of network.subnets) {
      const rival = rivals.find((other) => other.addresses.overlaps(subnet.addresses))
      if (rival === undefined) continue
      findings.push({
        path: subnet.path,
        message: kind === UDN_KIND
          ? `${subnet.path} ${subnet.text} overlaps a range another network already uses`
          : `${subnet.path} ${subnet.text} overlaps ${describe(rival)}`,
        fix: 'choose a range no other network uses'
      })
    }
    return findings
  }
})

/** For admins only (a ClusterUserDefinedNetwork is theirs): which network holds the range. */
function describe ({ object, kind }: Held): string {
  const name = object.metadata?.name ?? ''
  return kind === CUDN_KIND ? `ClusterUserDefinedNetwork ${name}` : `UserDefinedNetwork ${object.metadata?.namespace ?? ''}/${name}`
}
