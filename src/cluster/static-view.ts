import { kindOf } from '../kube/kinds.ts'
import { kindKey, type KubeObject } from '../kube/types.ts'
import type { ClusterView } from '../engine/types.ts'

/**
 * A ClusterView over a fixed set of objects (`netguard check --cluster-state`, conformance cases).
 * Every kind is known: a kind with no objects is an empty cluster, not unknown state. Objects are
 * indexed once by kind and namespace, so a rule's lookup costs no scan of unrelated objects.
 * Namespaced objects must already carry their namespace.
 */
export function staticClusterView (objects: readonly KubeObject[]): ClusterView {
  const byKind = new Map<string, { all: KubeObject[], byNamespace: Map<string, KubeObject[]> }>()
  for (const object of objects) {
    const key = kindKey(kindOf(object))
    let entry = byKind.get(key)
    if (entry === undefined) byKind.set(key, entry = { all: [], byNamespace: new Map() })
    entry.all.push(object)
    const namespace = object.metadata?.namespace ?? ''
    const inNamespace = entry.byNamespace.get(namespace)
    if (inNamespace === undefined) entry.byNamespace.set(namespace, [object])
    else inNamespace.push(object)
  }
  return {
    list (kind, namespace) {
      const entry = byKind.get(kindKey(kind))
      if (entry === undefined) return []
      return namespace === undefined ? entry.all : entry.byNamespace.get(namespace) ?? []
    }
  }
}
