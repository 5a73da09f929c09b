import Type from 'typebox'
import type { KindRef, KubeObject } from '../kube/types.ts'
import type { Finding, ReviewContext } from './types.ts'

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
  return {
    unknown: {
      path: '',
      message: `existing ${kind.kind} objects are not known yet, so this could not be checked`,
      fix: 'retry once netguard has synced its cluster caches',
      ...(whenUnknown === 'warn' ? { action: 'warn' as const } : {})
    }
  }
}

/** True when two objects are the same object (an UPDATE sees its own earlier version in the cache). */
export function sameObject (a: KubeObject, b: KubeObject): boolean {
  return a.metadata?.name === b.metadata?.name && a.metadata?.namespace === b.metadata?.namespace
}
