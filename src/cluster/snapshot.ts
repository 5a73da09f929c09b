import type { KubePort } from '../kube/port.ts'
import { resourceFor } from '../kube/resources.ts'
import { kindKey, type KindRef, type KubeObject } from '../kube/types.ts'
import type { ClusterView, UnknownState } from '../engine/types.ts'
import { byNamespaceAndName, indexByNamespace, NO_OBJECTS } from './filing.ts'
import { listAll } from './list-all.ts'

/** What became of each kind: listed (with how many objects), not served (404), or no known API resource. */
export type KindListing =
  | { readonly kind: KindRef, readonly state: 'listed', readonly count: number }
  | { readonly kind: KindRef, readonly state: 'not-served' | 'unknown-resource' }

export interface ClusterSnapshot {
  readonly objects: readonly KubeObject[]
  readonly kinds: readonly KindListing[]
  /** The cluster as these objects: kinds listed or not served are known; others are unknown. */
  readonly view: ClusterView
}

/**
 * Lists every object of the given kinds across all namespaces, page by page (a continue token
 * that expired mid-list starts that kind over). A kind the cluster does not serve is an empty,
 * known kind; a kind netguard has no API resource for is left out and unknown to rules.
 */
export async function snapshotCluster (port: KubePort, kinds: readonly KindRef[], pageSize = 500): Promise<ClusterSnapshot> {
  const objects: KubeObject[] = []
  const listings: KindListing[] = []
  const known = new Map<string, { kind: KindRef, items: readonly KubeObject[] }>()
  for (const kind of uniqueKinds(kinds)) {
    const resource = resourceFor(kind)
    if (resource === undefined) {
      listings.push({ kind, state: 'unknown-resource' })
      continue
    }
    const items = (await listAll(port, resource, pageSize))?.items.sort(byNamespaceAndName)
    known.set(kindKey(kind), { kind, items: items ?? NO_OBJECTS })
    if (items === undefined) {
      listings.push({ kind, state: 'not-served' })
      continue
    }
    objects.push(...items)
    listings.push({ kind, state: 'listed', count: items.length })
  }
  return { objects, kinds: listings, view: snapshotView(known) }
}

function uniqueKinds (kinds: readonly KindRef[]): KindRef[] {
  return [...new Map(kinds.map((kind) => [kindKey(kind), { group: kind.group, kind: kind.kind }])).values()]
}

/** Audit lists once: a kind it did not list stays unknown however long one waits. */
const NOT_LISTED: UnknownState = {
  because: 'not known (this audit did not list them)',
  fix: 'check it with netguard check --cluster-state holding the cluster\'s objects of that kind'
}

/** The listed kinds as a ClusterView (engine/types.ts says how objects are filed). */
function snapshotView (known: ReadonlyMap<string, { readonly kind: KindRef, readonly items: readonly KubeObject[] }>): ClusterView {
  const index = new Map([...known].map(([key, { kind, items }]) => [key, { all: items, byNamespace: indexByNamespace(kind, items) }]))
  return {
    unknownState: NOT_LISTED,
    list (kind, namespace) {
      const entry = index.get(kindKey(kind))
      if (entry === undefined) return undefined
      return namespace === undefined ? entry.all : entry.byNamespace.get(namespace) ?? NO_OBJECTS
    }
  }
}
