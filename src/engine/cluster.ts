import Type from 'typebox'
import type { KindRef, KubeObject } from '../kube/types.ts'
import type { Labels } from './label-selector.ts'
import { metaOf } from './read.ts'
import type { Finding, ReviewContext, UnknownState } from './types.ts'

export const NAMESPACE_KIND_REF: KindRef = { group: '', kind: 'Namespace' }

/** Setting shared by every rule that needs cluster state: what to answer while it is unknown. */
export const WhenUnknownSchema = Type.Enum(['warn', 'deny'], {
  description: 'answer while cluster state is not known (cache not synced, or no --cluster-state): warn allows with a warning, deny refuses'
})
export type WhenUnknown = 'warn' | 'deny'

/**
 * Objects of `kind` in the cluster, or a finding that says the check could not be made. A rule
 * never treats unknown state as an empty cluster: that would allow what it exists to refuse.
 */
export function clusterObjects (
  context: ReviewContext,
  kind: KindRef,
  whenUnknown: WhenUnknown,
  namespace?: string
): { readonly objects: readonly KubeObject[] } | { readonly unknown: Finding } {
  const objects = context.cluster?.list(kind, namespace)
  if (objects !== undefined) return { objects }
  return { unknown: unknownState(context, `existing ${kind.kind} objects`, whenUnknown) }
}

/** A view that has not read the kind yet: the webhook's informer caches before they sync. */
const NOT_SYNCED: UnknownState = { because: 'not known yet', fix: 'retry once netguard has synced its cluster caches' }

/**
 * No view at all: `netguard check` (or `review`) without --cluster-state, which will never learn
 * more by retrying, or `netguard serve` run without access to a cluster.
 */
const NO_STATE: UnknownState = {
  because: 'not known (no cluster state was given)',
  fix: 'give netguard check the cluster\'s objects with --cluster-state, or netguard serve access to the cluster'
}

/**
 * The finding of every rule that needs cluster state it does not have: `what` (plural) could not
 * be read, worded for the front that reviews: the view's own reason (ClusterView.unknownState),
 * not synced yet for a view without one, no state at all without a view. The one place that
 * says it, so that no rule tells an offline `check` to wait for a sync.
 */
export function unknownState (context: ReviewContext, what: string, whenUnknown: WhenUnknown, where: { readonly path?: string, readonly code?: string } = {}): Finding {
  const state = context.cluster === undefined ? NO_STATE : context.cluster.unknownState ?? NOT_SYNCED
  return {
    path: where.path ?? '',
    ...(where.code === undefined ? {} : { code: where.code }),
    message: `${what} are ${state.because}, so this could not be checked`,
    fix: state.fix,
    ...(whenUnknown === 'warn' ? { action: 'warn' as const } : {})
  }
}

const derived = new WeakMap<readonly KubeObject[], WeakMap<object, unknown>>()

/**
 * A value computed from a list of cluster objects (an index of hosts to holders, say) once per
 * version of that list. Cluster views hand out the same array until the kind changes (the
 * informer caches freeze a new one after each event), so a rule that needs every object looks
 * up an index instead of scanning them on each review. `owner` is the compiled settings of the
 * rule asking: one value per rule and policy, so `build` may depend on those settings and on
 * nothing else (it must be pure).
 */
export function derivedFrom<T> (objects: readonly KubeObject[], owner: object, build: (objects: readonly KubeObject[]) => T): T {
  let values = derived.get(objects)
  if (values === undefined) derived.set(objects, values = new WeakMap())
  if (!values.has(owner)) values.set(owner, build(objects))
  return values.get(owner) as T
}

/** Objects by what they claim (hosts, DNS names); each claim's holders in list order. */
export function holdersByClaim (objects: readonly KubeObject[], claimsOf: (object: KubeObject) => Iterable<string>): ReadonlyMap<string, readonly KubeObject[]> {
  const index = new Map<string, KubeObject[]>()
  for (const object of objects) {
    for (const claim of new Set(claimsOf(object))) {
      const holders = index.get(claim)
      if (holders === undefined) index.set(claim, [object])
      else holders.push(object)
    }
  }
  return index
}

/**
 * How a message names the holder of a claim: by name when it is in the requester's namespace,
 * only as "a <Kind> in another namespace" (or "another <Kind>") otherwise. A tenant learns that a
 * host, address or range is taken, never whose; `full` names it for the admin (Finding.detail).
 */
export function holderOf (holder: KubeObject, kind: string, context: ReviewContext): { readonly named: string, readonly full: string } {
  const { name = '', namespace } = metaOf(holder)
  if (namespace === undefined) return { named: `another ${kind}`, full: `${kind} ${name}` }
  const named = namespace === context.namespace ? `${kind} ${name} in this namespace` : `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind} in another namespace`
  return { named, full: `${kind} ${namespace}/${name}` }
}

/** True when two objects are the same object (an UPDATE sees its own earlier version in the cache). */
export function sameObject (a: KubeObject, b: KubeObject): boolean {
  const [one, other] = [metaOf(a), metaOf(b)]
  return one.name === other.name && one.namespace === other.namespace
}

/**
 * The labels of the request's namespace, or undefined when they are not known. For a Namespace
 * itself they are the labels it had before this request (its own on CREATE), so a request
 * cannot exempt itself by adding a label; for other objects they come from the cluster view.
 */
export function namespaceLabels (context: ReviewContext, object?: KubeObject): Labels | undefined {
  if (context.kind.group === '' && context.kind.kind === 'Namespace') {
    const own = context.operation === 'CREATE' ? object : context.oldObject
    if (own !== undefined) return metaOf(own).labels
  }
  const name = context.namespace
  if (name === undefined) return undefined
  // Every ClusterView files a Namespace under its own name (the contract in types.ts).
  const [namespace] = context.cluster?.list(NAMESPACE_KIND_REF, name) ?? []
  return namespace === undefined ? undefined : metaOf(namespace).labels
}
