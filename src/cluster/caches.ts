import type { ClusterView } from '../engine/types.ts'
import type { KubePort } from '../kube/port.ts'
import { RULES } from '../engine/rules/index.ts'
import {
  BASELINE_ADMIN_NETWORK_POLICIES, MULTI_NETWORK_POLICIES, NAMESPACES, NETWORK_ATTACHMENT_DEFINITIONS, NETWORK_POLICIES, resourceFor,
  type ResourceType
} from '../kube/resources.ts'
import { kindKey, type KindRef, type KubeObject } from '../kube/types.ts'
import { Informer, type CacheState, type InformerOptions } from './informer.ts'
import { ListGate } from './list-all.ts'
import { projectionFor } from './projection.ts'

/** What the reconciler keeps and reads besides Namespaces: its actual state, and the secondary networks it isolates. */
export const RECONCILED_RESOURCES: readonly ResourceType[] = [NETWORK_POLICIES, NETWORK_ATTACHMENT_DEFINITIONS, MULTI_NETWORK_POLICIES, BASELINE_ADMIN_NETWORK_POLICIES]

/**
 * What the webhook and the reconciler read: Namespaces (labels for namespace selectors), the
 * reconciler's kinds and every kind a cluster-aware rule compares against (its `reads`: Routes
 * and Ingresses for hosts, Services, EgressIPs, ...).
 */
export const CACHED_RESOURCES: readonly ResourceType[] = [...new Map([NAMESPACES, ...RECONCILED_RESOURCES, ...RULES.flatMap((rule) => rule.reads ?? [])]
  .map((kind) => {
    const resource = resourceFor(kind)
    if (resource === undefined) throw new Error(`no API resource for ${kindKey(kind)}, which a rule reads`)
    return [kindKey(resource), resource] as const
  })).values()]

/** A cache's state, and when its last list or watch failed (undefined: none has). */
export interface CacheHealth {
  readonly state: CacheState
  readonly lastErrorAt: Date | undefined
}

/** Informer caches for several kinds, seen as one ClusterView; a kind is unknown until its cache synced. */
export class ClusterCaches implements ClusterView {
  private readonly informers = new Map<string, Informer>()

  constructor (port: KubePort, options: InformerOptions, resources: readonly ResourceType[] = CACHED_RESOURCES) {
    const listGate = new ListGate(1)
    for (const resource of resources) {
      this.informers.set(kindKey(resource), new Informer(port, resource, { listGate, ...options, transform: projectionFor(resource) }))
    }
  }

  list (kind: KindRef, namespace?: string): readonly KubeObject[] | undefined {
    return this.informers.get(kindKey(kind))?.list(namespace)
  }

  /** The informer of a cached kind (the reconciler subscribes to its events). */
  informer (resource: ResourceType): Informer {
    const informer = this.informers.get(kindKey(resource))
    if (informer === undefined) throw new Error(`${resource.kind} is not cached`)
    return informer
  }

  /** Per kind: unknown, synced or not served (for readiness and metrics). */
  states (): Record<string, CacheState> {
    return Object.fromEntries([...this.informers].map(([key, informer]) => [key, informer.state]))
  }

  /** Per kind: state and last failure (for metrics). */
  health (): Record<string, CacheHealth> {
    return Object.fromEntries([...this.informers].map(([key, informer]) => [key, { state: informer.state, lastErrorAt: informer.lastErrorAt }]))
  }

  start (): void {
    for (const informer of this.informers.values()) informer.start()
  }

  /** Resolves when every kind is known. The server does not wait for this: it serves meanwhile. */
  async synced (): Promise<void> {
    await Promise.all([...this.informers.values()].map(async (informer) => await informer.synced()))
  }

  async stop (): Promise<void> {
    await Promise.all([...this.informers.values()].map(async (informer) => await informer.stop()))
  }
}
