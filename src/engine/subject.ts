import { isClusterScoped, kindOf } from '../kube/kinds.ts'
import type { KubeObject } from '../kube/types.ts'
import type { ClusterView, Operation, Subject, UserInfo } from './types.ts'

/** How a manifest is reviewed: as which request, by whom, when, against which cluster. */
export interface ManifestRequest {
  /** @default 'CREATE' */
  readonly operation?: Operation
  /** The object being replaced, for an UPDATE. */
  readonly oldObject?: KubeObject
  readonly user: UserInfo
  readonly now: Date
  readonly cluster?: ClusterView
  /**
   * The namespace a namespaced object without one is created in (what `kubectl apply` would use).
   * Undefined: the objects carry their own, as objects listed from a cluster do.
   */
  readonly namespace?: string
}

/**
 * The subject the API server would send the webhooks for this manifest: the kind as admission
 * names it (an `extensions` Ingress arrives as a `networking.k8s.io` one), the request's namespace
 * (a Namespace is reviewed in itself), a dry run. `check` and `audit` review through it.
 */
export function subjectOf (manifest: KubeObject, request: ManifestRequest): Subject {
  const object = withNamespace(manifest, request.namespace)
  const kind = kindOf(object)
  const metadata = object.metadata ?? {}
  const oldObject = request.oldObject === undefined ? undefined : withNamespace(request.oldObject, request.namespace)
  return {
    operation: request.operation ?? 'CREATE',
    kind,
    namespace: kind.group === '' && kind.kind === 'Namespace' ? metadata.name : metadata.namespace,
    name: metadata.name,
    user: request.user,
    object,
    oldObject,
    dryRun: true,
    now: request.now,
    ...(request.cluster === undefined ? {} : { cluster: request.cluster })
  }
}

/**
 * The object as the API server passes it to admission: a namespaced object without a namespace
 * gets the request's. Cluster-scoped objects are left as they are.
 */
export function withNamespace (object: KubeObject, namespace: string | undefined): KubeObject {
  if (namespace === undefined || isClusterScoped(kindOf(object).kind) || (object.metadata?.namespace ?? '') !== '') return object
  return { ...object, metadata: { ...object.metadata, namespace } }
}
