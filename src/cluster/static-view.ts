import { kindOf } from '../kube/kinds.ts'
import { kindKey, type KindRef, type KubeObject } from '../kube/types.ts'
import type { ClusterView } from '../engine/types.ts'
import { byNamespaceAndName, indexByNamespace, NO_OBJECTS } from './filing.ts'

/**
 * A ClusterView over a fixed set of objects (`netguard check --cluster-state`, conformance cases):
 * the whole cluster, so every kind is known and a kind without objects is empty, not unknown.
 * Objects are indexed once by kind and namespace, so a lookup scans no unrelated objects.
 * Namespaced objects must already carry their namespace.
 */
export function staticClusterView (objects: readonly KubeObject[]): ClusterView {
  const byKind = new Map<string, { kind: KindRef, all: KubeObject[] }>()
  for (const object of [...objects].sort(byNamespaceAndName)) {
    const kind = kindOf(object)
    const entry = byKind.get(kindKey(kind))
    if (entry === undefined) byKind.set(kindKey(kind), { kind, all: [object] })
    else entry.all.push(object)
  }
  const index = new Map([...byKind].map(([key, { kind, all }]) => [key, { all, byNamespace: indexByNamespace(kind, all) }]))
  return {
    list (kind, namespace) {
      const entry = index.get(kindKey(kind))
      if (entry === undefined) return NO_OBJECTS
      return namespace === undefined ? entry.all : entry.byNamespace.get(namespace) ?? NO_OBJECTS
    }
  }
}
