import type { KindRef, KubeObject } from '../kube/types.ts'

// How a ClusterView files and orders objects (engine/types.ts, ClusterView): the views built from
// a listing (audit) and from files (check) share it; the informer keeps its own live index.

/** A Namespace under its own name; any other object under its namespace, or '' when it has none. */
export function filedUnder (kind: KindRef, object: KubeObject): string {
  return (kind.group === '' && kind.kind === 'Namespace' ? object.metadata?.name : object.metadata?.namespace) ?? ''
}

export function byNamespaceAndName (a: KubeObject, b: KubeObject): number {
  return (a.metadata?.namespace ?? '').localeCompare(b.metadata?.namespace ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')
}

/** Objects of one kind, already in order, by the namespace each is filed under. */
export function indexByNamespace (kind: KindRef, objects: readonly KubeObject[]): Map<string, KubeObject[]> {
  const index = new Map<string, KubeObject[]>()
  for (const object of objects) {
    const namespace = filedUnder(kind, object)
    const bucket = index.get(namespace)
    if (bucket === undefined) index.set(namespace, [object])
    else bucket.push(object)
  }
  return index
}

/** The answer for a known kind with nothing there. */
export const NO_OBJECTS: readonly KubeObject[] = Object.freeze([])
