import { staticClusterView } from '../../src/cluster/static-view.ts'
import type { ClusterView } from '../../src/engine/types.ts'
import type { KindRef, KubeObject } from '../../src/kube/types.ts'

/**
 * A cluster that holds exactly `objects` (the view `check --cluster-state` builds); kinds listed
 * in `unknown` answer undefined, as a cache that has not synced yet.
 */
export function clusterWith (objects: readonly KubeObject[], unknown: readonly KindRef[] = []): ClusterView {
  const view = staticClusterView(objects)
  return {
    list: (kind, namespace) => unknown.some((ref) => ref.group === kind.group && ref.kind === kind.kind) ? undefined : view.list(kind, namespace)
  }
}
