import type { Logger } from 'pino'
import type { BackoffOptions } from '../cluster/backoff.ts'
import { errorSummary, type CacheEvent, type Informer } from '../cluster/informer.ts'
import type { CompiledPolicy } from '../engine/policy.ts'
import type { Mode } from '../engine/types.ts'
import { isManaged } from '../engine/rules/network-policy/network-policy.ts'
import { isKubeError, type KubePort } from '../kube/port.ts'
import { BASELINE_ADMIN_NETWORK_POLICIES, MULTI_NETWORK_POLICIES, NETWORK_POLICIES, type ResourceType } from '../kube/resources.ts'
import type { KubeObject } from '../kube/types.ts'
import { desiredMultiNetworkPolicies, desiredNetworkPolicies } from '../engine/isolation.ts'
import { BASELINE_NAME, desiredBaseline, namespaceVerdict } from './desired.ts'
import { normalJson, plan, type ReconcileAction } from './plan.ts'

type Normalize = Parameters<typeof plan>[2]
import { WorkQueue } from './queue.ts'

/** Running totals since start; the metrics endpoint exposes them as counters. */
export interface ReconcilerCounters {
  /** Namespaces (and the baseline) examined. */
  reconciles: number
  /** Managed objects (NetworkPolicies, MultiNetworkPolicies, the BaselineAdminNetworkPolicy) created or restored. */
  repairs: number
  /** Missing or drifted managed objects found in audit mode (and left alone). */
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
  /** Secondary networks, and the MultiNetworkPolicies kept for them (spec.isolation.secondaryNetworks). */
  readonly networkAttachments?: Informer
  readonly multiNetworkPolicies?: Informer
  /** The BaselineAdminNetworkPolicy (spec.isolation.mechanism baselineAdminNetworkPolicy). */
  readonly baselinePolicies?: Informer
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
 * Keeps the default isolation of every isolated namespace present and as declared: its
 * NetworkPolicies, a deny-by-default MultiNetworkPolicy per secondary network where the cluster
 * serves them, or, with the baseline mechanism, the one BaselineAdminNetworkPolicy. Work is keyed
 * by namespace (and BASELINE_KEY for the baseline): a namespace added or changed, a managed object
 * or a secondary network changed or deleted, a new policy, a new leader, or the periodic resync
 * queue it again. Reconciling reads the caches, plans, and writes only what drifted, with
 * optimistic concurrency (a 409 retries).
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
   * Writes not yet seen in the cache, by work key, then `Kind/name` → resourceVersion written and
   * when. Until the cache shows them, planning from it would redo them (client-go's "expectations").
   */
  private readonly inFlight = new Map<string, Map<string, { readonly resourceVersion: string, readonly at: number }>>()
  /** Policies whose untranslatable isolation rules were logged, and the unmanaged baseline version last reported. */
  private readonly explained = new WeakSet<CompiledPolicy>()
  private foreignBaseline: string | undefined

  constructor (options: ReconcilerOptions) {
    this.options = options
    this.log = options.log
    this.queue = new WorkQueue({ retry: options.retry, workers: options.workers })
    this.stopping = new Promise((resolve) => { this.signalStop = resolve })
  }

  /** Subscribes to the caches, then works once all have synced, starting with every namespace. */
  start (): void {
    if (this.running !== undefined) return
    const { namespaces, networkPolicies, networkAttachments, multiNetworkPolicies, baselinePolicies } = this.options
    namespaces.onEvent((event) => {
      if (event.type !== 'DELETED') this.queue.add(event.object.metadata?.name ?? '')
      // The baseline's subject leaves out the labelled namespaces that are exempt.
      if (this.baselineIsolates()) this.queue.add(BASELINE_KEY)
    })
    networkPolicies.onEvent((event) => this.onManaged(NETWORK_POLICIES, event, (name) => this.options.policy().shared.isolation.networkPolicies.some((policy) => policy.name === name)))
    multiNetworkPolicies?.onEvent((event) => this.onManaged(MULTI_NETWORK_POLICIES, event, () => false))
    networkAttachments?.onEvent((event) => this.queue.add(event.object.metadata?.namespace ?? ''))
    baselinePolicies?.onEvent((event) => this.onManaged(BASELINE_ADMIN_NETWORK_POLICIES, event, (name) => name === BASELINE_NAME))
    const caches = [namespaces, networkPolicies, networkAttachments, multiNetworkPolicies, baselinePolicies].flatMap((informer) => informer ?? [])
    this.running = (async () => {
      await Promise.race([Promise.all(caches.map(async (informer) => await informer.synced())), this.stopping])
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

  /** Queues every known namespace and the baseline (at start, on a new policy, on becoming the leader). */
  backfill (): void {
    for (const namespace of this.options.namespaces.list() ?? []) this.queue.add(namespace.metadata?.name ?? '')
    if (this.options.baselinePolicies !== undefined) this.queue.add(BASELINE_KEY)
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.signalStop()
    clearInterval(this.resync)
    this.queue.stop()
    await this.running
  }

  /** A managed kind changed: settle the write it may confirm, and look again where it is netguard's (or has a managed name). */
  private onManaged (resource: ResourceType, { object }: CacheEvent, managedName: (name: string) => boolean): void {
    const { namespace, name = '', resourceVersion } = object.metadata ?? {}
    const key = namespace ?? BASELINE_KEY
    const entry = `${resource.kind}/${name}`
    const written = this.inFlight.get(key)
    if (written?.get(entry)?.resourceVersion === resourceVersion && written?.delete(entry) === true && written.size === 0) this.inFlight.delete(key)
    if (isManaged(object) || managedName(name)) this.queue.add(key)
  }

  private baselineIsolates (): boolean {
    return this.options.baselinePolicies !== undefined && this.options.policy().shared.isolation.mechanism === 'baselineAdminNetworkPolicy'
  }

  private async handle (name: string): Promise<void> {
    const term = this.options.leadership()
    try {
      if (await (name === BASELINE_KEY ? this.reconcileBaseline(term) : this.reconcile(name, term))) this.options.observer?.reconciled?.('ok')
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
    const { isolation } = policy.shared
    await this.bring(name, NETWORK_POLICIES, desiredNetworkPolicies(name, isolation), this.options.networkPolicies.list(name) ?? [], policy, term)
    const { networkAttachments, multiNetworkPolicies } = this.options
    // Only where the cluster serves MultiNetworkPolicy (on OKD: useMultiNetworkPolicy) and the caches are current.
    if (isolation.secondaryNetworks && networkAttachments?.state === 'synced' && multiNetworkPolicies?.state === 'synced') {
      const desired = desiredMultiNetworkPolicies(name, networkAttachments.list(name) ?? [])
      await this.bring(name, MULTI_NETWORK_POLICIES, desired, multiNetworkPolicies.list(name) ?? [], policy, term)
    }
    return true
  }

  /**
   * The one BaselineAdminNetworkPolicy, where the policy isolates through the baseline and the
   * cluster serves it. One that netguard did not create is never touched: the API allows a single
   * baseline, and it is the admin's.
   */
  private async reconcileBaseline (term: AbortSignal | undefined): Promise<boolean> {
    const { baselinePolicies, namespaces } = this.options
    if (term === undefined || term.aborted || !this.baselineIsolates() || baselinePolicies?.state !== 'synced' || this.awaitingCache(BASELINE_KEY)) return false
    const policy = this.options.policy()
    this.counters.reconciles++
    const labelled = (namespaces.list() ?? []).filter((namespace) => namespace.metadata?.labels?.[policy.shared.isolation.label] === policy.shared.isolation.value)
    const now = new Date()
    const exempt = labelled.filter((namespace) => namespaceVerdict(namespace, policy, now) === 'exempt').map((namespace) => namespace.metadata?.name ?? '')
    const { object, untranslated } = desiredBaseline(policy.shared.isolation, exempt)
    if (untranslated.length > 0 && !this.explained.has(policy)) {
      this.explained.add(policy)
      this.log.warn({ untranslated }, 'isolation rules a BaselineAdminNetworkPolicy cannot express were left out of the baseline')
    }
    const actual = baselinePolicies.get(BASELINE_NAME)
    if (actual !== undefined && !isManaged(actual)) {
      if (this.foreignBaseline !== actual.metadata?.resourceVersion) {
        this.foreignBaseline = actual.metadata?.resourceVersion
        this.log.warn({ name: BASELINE_NAME }, 'a BaselineAdminNetworkPolicy netguard does not manage exists; isolation through the baseline is not in force')
      }
      return true
    }
    await this.bring(BASELINE_KEY, BASELINE_ADMIN_NETWORK_POLICIES, [object], actual === undefined ? [] : [actual], policy, term, normalJson)
    return true
  }

  /**
   * Brings the managed objects of one kind under one work key to `desired` (in audit mode, only
   * reports what differs). Each write goes through repair().
   */
  private async bring (key: string, resource: ResourceType, desired: readonly KubeObject[], actual: readonly KubeObject[], policy: CompiledPolicy, term: AbortSignal, normalize?: Normalize): Promise<void> {
    const actions = plan(desired, actual, normalize)
    if ((this.options.mode ?? policy.mode) === 'audit') {
      for (const action of actions) {
        this.counters.drift++
        this.options.observer?.repaired?.(action.type, 'audit')
        this.log.warn(describe(key, action), 'default isolation drifted (audit mode: not repaired)')
      }
      return
    }
    const wanted = new Map(desired.map((object) => [object.metadata?.name ?? '', object]))
    for (const action of actions) {
      await this.repair(key, resource, action.type === 'create' ? action : undefined, wanted.get(action.object.metadata?.name ?? '') as KubeObject, term, normalize)
    }
  }

  /**
   * Brings one object to `wanted`. An update starts from the object as the API server has it, not
   * from the cache: the cache keeps only the fields netguard reads, and a replace must not drop
   * the rest. A 409 (the object changed, or exists already: the cache was behind) is retried at
   * once against the fresh object, a few times, then left to the queue's backoff. Every write
   * carries the leadership `term`: once it aborts, nothing more is sent.
   */
  private async repair (key: string, resource: ResourceType, create: ReconcileAction | undefined, wanted: KubeObject, term: AbortSignal, normalize?: Normalize): Promise<void> {
    const { port } = this.options
    let action = create ?? await this.freshAction(resource, wanted, normalize)
    for (let attempt = 1; action !== undefined; attempt++) {
      try {
        const written = action.type === 'create'
          ? await port.create(resource, action.object, { signal: term })
          : await port.replace(resource, action.object, { signal: term })
        this.expect(key, resource, written)
        this.counters.repairs++
        this.options.observer?.repaired?.(action.type, 'enforce')
        this.log.info(describe(key, action), action.type === 'create' ? `created default ${resource.kind}` : `restored default ${resource.kind}`)
        return
      } catch (error) {
        if (!isKubeError(error, 409) || attempt >= CONFLICT_ATTEMPTS) throw error
        this.log.debug({ key, name: wanted.metadata?.name, attempt }, 'write conflict; trying again with the object as the API server has it')
      }
      action = await this.freshAction(resource, wanted, normalize)
    }
  }

  /** What `wanted` needs against the live object: create, update (keeping its resourceVersion and every other field), or nothing. */
  private async freshAction (resource: ResourceType, wanted: KubeObject, normalize?: Normalize): Promise<ReconcileAction | undefined> {
    const live = await this.options.port.get(resource, wanted.metadata?.name ?? '', wanted.metadata?.namespace)
    return plan([wanted], live === undefined ? [] : [live], normalize)[0]
  }

  /**
   * Holds the work key back until the cache shows `written`, unless it does already: the watch
   * event of a write can come before the write's own response, and waiting for it then would
   * hold the key (and the repair of anything deleted meanwhile) for IN_FLIGHT_LIMIT_MS.
   */
  private expect (key: string, resource: ResourceType, written: KubeObject): void {
    const { name, namespace, resourceVersion } = written.metadata ?? {}
    if (name === undefined || resourceVersion === undefined) return
    if (this.cacheOf(resource)?.get(name, namespace)?.metadata?.resourceVersion === resourceVersion) return
    const entries = this.inFlight.get(key) ?? new Map()
    entries.set(`${resource.kind}/${name}`, { resourceVersion, at: performance.now() })
    this.inFlight.set(key, entries)
  }

  private cacheOf (resource: ResourceType): Informer | undefined {
    if (resource === NETWORK_POLICIES) return this.options.networkPolicies
    if (resource === MULTI_NETWORK_POLICIES) return this.options.multiNetworkPolicies
    return this.options.baselinePolicies
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
/** Writes of one object in one pass, the first included, before a conflict goes back to the queue. */
const CONFLICT_ATTEMPTS = 3
/** The work key of the cluster-wide baseline: no namespace can be named so. */
const BASELINE_KEY = '/baseline'

function describe (key: string, action: ReconcileAction): Record<string, unknown> {
  return {
    ...(key === BASELINE_KEY ? {} : { namespace: key }),
    name: action.object.metadata?.name,
    kind: action.object.kind,
    action: action.type,
    ...(action.type === 'update' ? { drift: action.drift } : {})
  }
}
