import type { Logger } from 'pino'
import type { BackoffOptions } from '../cluster/backoff.ts'
import { errorSummary, type CacheEvent, type Informer } from '../cluster/informer.ts'
import type { CompiledPolicy } from '../engine/policy.ts'
import type { Mode } from '../engine/types.ts'
import { isManaged } from '../engine/rules/network-policy/network-policy.ts'
import { isKubeError, type KubePort } from '../kube/port.ts'
import { NETWORK_POLICIES } from '../kube/resources.ts'
import type { KubeObject } from '../kube/types.ts'
import { desiredNetworkPolicies, namespaceVerdict } from './desired.ts'
import { plan, type ReconcileAction } from './plan.ts'
import { WorkQueue } from './queue.ts'

/** Running totals since start; the metrics endpoint exposes them as counters. */
export interface ReconcilerCounters {
  /** Namespaces examined. */
  reconciles: number
  /** NetworkPolicies created or restored. */
  repairs: number
  /** Missing or drifted NetworkPolicies found in audit mode (and left alone). */
  drift: number
  /** Failed reconciles (retried with backoff). */
  errors: number
}

/**
 * Where the reconciler reports as it goes: the server's Prometheus metrics (src/metrics.ts
 * implements it). Every hook is optional.
 */
export interface ReconcilerObserver {
  /** One pass over a namespace: ok, or error (it will be retried). */
  reconciled? (result: 'ok' | 'error'): void
  /** A managed NetworkPolicy created or updated; in audit mode only reported. */
  repaired? (operation: 'create' | 'update' | 'delete', mode: 'enforce' | 'audit'): void
  /** Whether this replica holds the Lease and so is the one that writes. */
  leading? (isLeader: boolean): void
}

export interface ReconcilerOptions {
  readonly port: KubePort
  readonly log: Logger
  readonly namespaces: Informer
  readonly networkPolicies: Informer
  /** The policy in force (it may be reloaded). */
  readonly policy: () => CompiledPolicy
  /** Overrides the policy's mode (`--mode`). */
  readonly mode?: Mode
  /**
   * Only the leader writes (and reports drift, so replicas do not repeat each other): while this
   * replica leads, a signal that aborts when it stops (LeaderElector.leadership); undefined otherwise.
   */
  readonly leadership: () => AbortSignal | undefined
  /** Per-namespace retry delays after a failure. */
  readonly retry?: BackoffOptions
  readonly workers?: number
  /** Every namespace is looked at again this often, whatever the events said; 0: never. @default 600000 */
  readonly resyncMs?: number
  readonly observer?: ReconcilerObserver
}

/**
 * Keeps the default NetworkPolicies of every isolated namespace present and as declared. Work
 * is keyed by namespace: a namespace added or changed, a managed NetworkPolicy changed or
 * deleted, a new policy, a new leader, or the periodic resync queue it again. Reconciling reads
 * the caches, plans, and writes only what drifted, with optimistic concurrency (a 409 retries).
 */
export class Reconciler {
  readonly counters: ReconcilerCounters = { reconciles: 0, repairs: 0, drift: 0, errors: 0 }
  private readonly options: ReconcilerOptions
  private readonly log: Logger
  private readonly queue: WorkQueue
  private running: Promise<void> | undefined
  private resync: NodeJS.Timeout | undefined
  private stopped = false
  private readonly stopping: Promise<void>
  private signalStop: () => void = () => {}
  /**
   * Writes not yet seen in the cache, by namespace, then name → resourceVersion written and when.
   * Until the cache shows them, planning from it would redo them (client-go's "expectations").
   */
  private readonly inFlight = new Map<string, Map<string, { readonly resourceVersion: string, readonly at: number }>>()

  constructor (options: ReconcilerOptions) {
    this.options = options
    this.log = options.log
    this.queue = new WorkQueue({ retry: options.retry, workers: options.workers })
    this.stopping = new Promise((resolve) => { this.signalStop = resolve })
  }

  /** Subscribes to the caches, then works once both have synced, starting with every namespace. */
  start (): void {
    if (this.running !== undefined) return
    const { namespaces, networkPolicies } = this.options
    namespaces.onEvent((event) => {
      if (event.type !== 'DELETED') this.queue.add(event.object.metadata?.name ?? '')
    })
    networkPolicies.onEvent((event) => this.onNetworkPolicy(event))
    this.running = (async () => {
      await Promise.race([Promise.all([namespaces.synced(), networkPolicies.synced()]), this.stopping])
      if (this.stopped) return
      this.backfill()
      const resyncMs = this.options.resyncMs ?? 600_000
      if (resyncMs > 0) this.resync = setInterval(() => this.backfill(), resyncMs)
      await this.queue.run(async (key) => await this.handle(key))
    })()
  }

  /** Namespaces queued, being reconciled, or waiting for a retry. */
  get backlog (): number {
    return this.queue.backlog
  }

  /** Queues every known namespace (at start, on a new policy, on becoming the leader). */
  backfill (): void {
    for (const namespace of this.options.namespaces.list() ?? []) this.queue.add(namespace.metadata?.name ?? '')
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.signalStop()
    clearInterval(this.resync)
    this.queue.stop()
    await this.running
  }

  private onNetworkPolicy ({ object }: CacheEvent): void {
    const { namespace = '', name = '', resourceVersion } = object.metadata ?? {}
    const written = this.inFlight.get(namespace)
    if (written?.get(name)?.resourceVersion === resourceVersion && written?.delete(name) === true && written.size === 0) this.inFlight.delete(namespace)
    const names = new Set(this.options.policy().shared.isolation.networkPolicies.map((policy) => policy.name))
    if (isManaged(object) || names.has(object.metadata?.name ?? '')) this.queue.add(object.metadata?.namespace ?? '')
  }

  private async handle (name: string): Promise<void> {
    const term = this.options.leadership()
    try {
      if (await this.reconcile(name, term)) this.options.observer?.reconciled?.('ok')
      this.queue.forget(name)
    } catch (error) {
      if (term?.aborted === true) {
        // The Lease was lost mid-way: the next leader does the rest (and so does this replica if it leads again).
        this.log.debug({ namespace: name }, 'no longer the leader; the rest of this namespace is left to the next one')
        return
      }
      if (isKubeError(error, 409)) {
        this.log.debug({ namespace: name }, 'write conflict (the cache was behind); retrying')
      } else {
        this.counters.errors++
        this.options.observer?.reconciled?.('error')
        this.log.warn({ namespace: name, err: errorSummary(error) }, 'reconcile failed; retrying')
      }
      this.queue.retry(name)
    }
  }

  /** True when the namespace was looked at (this replica leads, the cache is current, it exists). */
  private async reconcile (name: string, term: AbortSignal | undefined): Promise<boolean> {
    if (term === undefined || term.aborted || this.awaitingCache(name)) return false
    const namespace = this.options.namespaces.get(name)
    if (namespace === undefined) return false
    const policy = this.options.policy()
    const verdict = namespaceVerdict(namespace, policy, new Date())
    this.counters.reconciles++
    if (verdict !== 'isolated') {
      if (verdict === 'terminating') this.log.debug({ namespace: name }, 'namespace is terminating; left alone')
      return true
    }
    const desired = desiredNetworkPolicies(name, policy.shared.isolation)
    const actions = plan(desired, this.options.networkPolicies.list(name) ?? [])
    if ((this.options.mode ?? policy.mode) === 'audit') {
      for (const action of actions) {
        this.counters.drift++
        this.options.observer?.repaired?.(action.type, 'audit')
        this.log.warn(describe(name, action), 'default isolation drifted (audit mode: not repaired)')
      }
      return true
    }
    const wanted = new Map(desired.map((object) => [object.metadata?.name ?? '', object]))
    for (const action of actions) {
      await this.repair(name, action.type === 'create' ? action : undefined, wanted.get(action.object.metadata?.name ?? '') as KubeObject, term)
    }
    return true
  }

  /**
   * Brings one NetworkPolicy to `wanted`. An update starts from the object as the API server has
   * it, not from the cache: the cache keeps only the fields netguard reads, and a replace must
   * not drop the rest. A 409 (the object changed, or exists already: the cache was behind) is
   * retried at once against the fresh object, a few times, then left to the queue's backoff.
   * Every write carries the leadership `term`: once it aborts, nothing more is sent.
   */
  private async repair (namespace: string, create: ReconcileAction | undefined, wanted: KubeObject, term: AbortSignal): Promise<void> {
    const { port } = this.options
    let action = create ?? await this.freshAction(namespace, wanted)
    for (let attempt = 1; action !== undefined; attempt++) {
      try {
        const written = action.type === 'create'
          ? await port.create(NETWORK_POLICIES, action.object, { signal: term })
          : await port.replace(NETWORK_POLICIES, action.object, { signal: term })
        this.expect(namespace, written)
        this.counters.repairs++
        this.options.observer?.repaired?.(action.type, 'enforce')
        this.log.info(describe(namespace, action), action.type === 'create' ? 'created default NetworkPolicy' : 'restored default NetworkPolicy')
        return
      } catch (error) {
        if (!isKubeError(error, 409) || attempt >= CONFLICT_ATTEMPTS) throw error
        this.log.debug({ namespace, name: wanted.metadata?.name, attempt }, 'write conflict; trying again with the object as the API server has it')
      }
      action = await this.freshAction(namespace, wanted)
    }
  }

  /** What `wanted` needs against the live object: create, update (keeping its resourceVersion and every other field), or nothing. */
  private async freshAction (namespace: string, wanted: KubeObject): Promise<ReconcileAction | undefined> {
    const live = await this.options.port.get(NETWORK_POLICIES, wanted.metadata?.name ?? '', namespace)
    return plan([wanted], live === undefined ? [] : [live])[0]
  }

  /**
   * Holds the namespace back until the cache shows `written`, unless it does already: the watch
   * event of a write can come before the write's own response, and waiting for it then would
   * hold the namespace (and the repair of anything deleted meanwhile) for IN_FLIGHT_LIMIT_MS.
   */
  private expect (namespace: string, written: KubeObject): void {
    const { name, resourceVersion } = written.metadata ?? {}
    if (name === undefined || resourceVersion === undefined) return
    if (this.options.networkPolicies.get(name, namespace)?.metadata?.resourceVersion === resourceVersion) return
    const entries = this.inFlight.get(namespace) ?? new Map()
    entries.set(name, { resourceVersion, at: performance.now() })
    this.inFlight.set(namespace, entries)
  }

  /** True while a write to the namespace has not reached the cache (its event queues it again). */
  private awaitingCache (namespace: string): boolean {
    const entries = this.inFlight.get(namespace)
    if (entries === undefined) return false
    for (const [name, { at }] of entries) {
      if (performance.now() - at > IN_FLIGHT_LIMIT_MS) entries.delete(name)
    }
    if (entries.size === 0) this.inFlight.delete(namespace)
    return entries.size > 0
  }
}

/** A write whose event has not come after this long (a relist skipped it) no longer holds a namespace back. */
const IN_FLIGHT_LIMIT_MS = 30_000
/** Writes of one NetworkPolicy in one pass, the first included, before a conflict goes back to the queue. */
const CONFLICT_ATTEMPTS = 3

function describe (namespace: string, action: ReconcileAction): Record<string, unknown> {
  return {
    namespace,
    name: action.object.metadata?.name,
    kind: 'NetworkPolicy',
    action: action.type,
    ...(action.type === 'update' ? { drift: action.drift } : {})
  }
}
