import Type from 'typebox'
import type { KindRef, KubeObject } from '../../../kube/types.ts'
import { clusterObjects, derivedFrom, sameObject, WhenUnknownSchema } from '../../cluster.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { CUDN_KIND, NETWORK_KINDS, reviewedKind, UDN_KIND, userDefinedNetwork } from './network.ts'

/** A network another namespace (or the cluster) already holds. */
interface Held {
  readonly object: KubeObject
  readonly kind: KindRef
}

/** One interval of held addresses; `reach` is the largest end of it and every interval before it. */
interface Entry {
  readonly start: bigint
  readonly end: bigint
  readonly reach: bigint
  readonly held: Held
}

/**
 * Every held interval of one family, sorted by start, so that a lookup is a binary search and a
 * walk back over the intervals that can still reach the query (a review costs microseconds over
 * thousands of networks, not a scan of them all).
 */
class HeldIndex {
  private readonly entries: readonly Entry[]

  constructor (intervals: readonly { readonly start: bigint, readonly end: bigint, readonly held: Held }[]) {
    const entries: Entry[] = []
    let reach = -1n
    for (const interval of [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))) {
      if (interval.end > reach) reach = interval.end
      entries.push({ ...interval, reach })
    }
    this.entries = entries
  }

  /** The first holder (from the highest start down) of an address in [start, end] that `counts`. */
  find (start: bigint, end: bigint, counts: (held: Held) => boolean): Held | undefined {
    let low = 0
    let high = this.entries.length
    while (low < high) {
      const middle = (low + high) >> 1
      if ((this.entries[middle] as Entry).start <= end) low = middle + 1
      else high = middle
    }
    for (let index = low - 1; index >= 0; index--) {
      const entry = this.entries[index] as Entry
      if (entry.reach < start) break
      if (entry.end >= start && counts(entry.held)) return entry.held
    }
    return undefined
  }
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
    const indexes: { v4: HeldIndex, v6: HeldIndex }[] = []
    for (const other of NETWORK_KINDS) {
      const found = clusterObjects(context, other, settings.whenUnknown)
      if ('unknown' in found) return [found.unknown]
      indexes.push(derivedFrom(found.objects, settings, (objects) => indexOf(objects, other)))
    }
    const namespace = kind === CUDN_KIND ? undefined : context.namespace ?? object.metadata?.namespace
    const self: KubeObject = { metadata: { name: object.metadata?.name ?? context.name, namespace } }
    const rival = (held: Held): boolean => !(held.kind === kind && sameObject(held.object, self)) &&
      (kind === CUDN_KIND || held.kind === CUDN_KIND || held.object.metadata?.namespace !== namespace)
    const findings: Finding[] = []
    for (const subnet of network.subnets) {
      const { v4, v6 } = subnet.addresses
      const holder = (index: { v4: HeldIndex, v6: HeldIndex }): Held | undefined =>
        [...v4.map((interval) => index.v4.find(interval.start, interval.end, rival)), ...v6.map((interval) => index.v6.find(interval.start, interval.end, rival))]
          .find((held) => held !== undefined)
      const found = indexes.map(holder).find((held) => held !== undefined)
      if (found === undefined) continue
      findings.push({
        path: subnet.path,
        message: kind === UDN_KIND
          ? `${subnet.path} ${subnet.text} overlaps a range another network already uses`
          : `${subnet.path} ${subnet.text} overlaps ${describe(found)}`,
        fix: 'choose a range no other network uses'
      })
    }
    return findings
  }
})

/** The subnets of every network of one kind, by family. */
function indexOf (objects: readonly KubeObject[], kind: KindRef): { v4: HeldIndex, v6: HeldIndex } {
  const v4: { start: bigint, end: bigint, held: Held }[] = []
  const v6: { start: bigint, end: bigint, held: Held }[] = []
  for (const object of objects) {
    const held = { object, kind }
    for (const subnet of userDefinedNetwork(object, kind).subnets) {
      for (const interval of subnet.addresses.v4) v4.push({ ...interval, held })
      for (const interval of subnet.addresses.v6) v6.push({ ...interval, held })
    }
  }
  return { v4: new HeldIndex(v4), v6: new HeldIndex(v6) }
}

/** For admins only (a ClusterUserDefinedNetwork is theirs): which network holds the range. */
function describe ({ object, kind }: Held): string {
  const name = object.metadata?.name ?? ''
  return kind === CUDN_KIND ? `ClusterUserDefinedNetwork ${name}` : `UserDefinedNetwork ${object.metadata?.namespace ?? ''}/${name}`
}
