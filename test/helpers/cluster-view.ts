import type { ClusterView } from '../../src/engine/types.ts'
import { parseApiVersion, type KindRef, type KubeObject } from '../../src/kube/types.ts'

/**
 * A cluster that holds exactly `objects`, matched by API group and kind; kinds listed in
 * `unknown` answer undefined, as a cache that has not synced yet.
 */
export function clusterWith (objects: readonly KubeObject[], unknown: readonly KindRef[] = []): ClusterView {
  return {
    list (kind, namespace) {
      if (unknown.some((ref) => ref.group === kind.group && ref.kind === kind.kind)) return undefined
      return objects.filter((object) => object.kind === kind.kind && parseApiVersion(object.apiVersion).group === kind.group &&
        (namespace === undefined || object.metadata?.namespace === namespace))
    }
  }
}
