// Hand-built: the list + watch cache that client-node's makeInformer (ListWatch) gives. Why: that
// one lists in a single unpaged request, stops at the first error other than 410 (no backoff), and
// has no "not synced yet" or "not served" state, which the rules' unknown-state answers need.
import type { Logger } from 'pino'
import { isKubeError, type KubePort, type WatchEvent, type WatchHandle } from '../kube/port.ts'
import { apiVersionOf, type ResourceType } from '../kube/resources.ts'
import type { KubeObject } from '../kube/types.ts'
import { Backoff, sleep, type BackoffOptions } from './backoff.ts'
import { NO_OBJECTS } from './filing.ts'
import { listAll, type ListGate } from './list-all.ts'

export interface InformerOptions {
  readonly log: Logger
  /**
   * Objects per list page: each page is held whole (managedFields and all) until projected, so
   * smaller pages keep a large cluster's sync light. @default 100
   */
  readonly pageSize?: number
  /** Shared by the informers of one process so that they list one at a time. @default none (no limit) */
  readonly listGate?: ListGate
  /** Delays between retries after a failed list or watch. */
  readonly retry?: BackoffOptions
  /** The API server ends each watch after this long (it is then resumed). @default 300 */
  readonly watchTimeoutSeconds?: number
  /** How often to look again for a kind the cluster did not serve (a CRD installed later). @default 300000 */
  readonly notServedRetryMs?: number
  /**
   * Makes each listed or watched object into what is cached, e.g. keeps only what readers need
   * (projectionFor). It must set apiVersion and kind (list items come without them).
   * @default the object with apiVersion and kind, less managedFields
   */
  readonly transform?: (object: KubeObject) => KubeObject
}

/** `unknown` until the first list succeeds; `not-served` when the API answers 404 for the kind. */
export type CacheState = 'unknown' | 'synced' | 'not-served'

export interface CacheEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'
  readonly object: KubeObject
}

type WatchOutcome = 'ended' | 'gone' | Error

/**
 * A cache of one kind kept current by list + watch: paged list, watch from the list's
 * resourceVersion with bookmarks, resume after a watch ends, relist on 410 Gone, and back off
 * while the API server is unreachable. Objects are indexed by namespace; a Namespace's own
 * namespace is itself, as ClusterView documents.
 */
export class Informer {
  readonly resource: ResourceType
  private readonly port: KubePort
  private readonly options: InformerOptions
  private readonly log: Logger
  /**
   * The objects filed under each namespace, sorted by name and frozen: the very array list(namespace)
   * hands out. A change replaces the bucket (copy on write) rather than changing it. One small
   * array per namespace rather than a Map: 5,000 namespaces of three kinds held 15,000 Maps, ~5 MB.
   */
  private byNamespace = new Map<string, readonly KubeObject[]>()
  /** list() of every namespace, built when first asked for after a change. */
  private everything: readonly KubeObject[] | undefined
  private readonly listeners: ((event: CacheEvent) => void)[] = []
  private readonly syncWaiters: (() => void)[] = []
  private readonly abort = new AbortController()
  private currentState: CacheState = 'unknown'
  private resourceVersion = ''
  private running: Promise<void> | undefined
  private cancelWatch: (() => void) | undefined
  private notServedLogged = false
  private lastError: Date | undefined

  constructor (port: KubePort, resource: ResourceType, options: InformerOptions) {
    this.port = port
    this.resource = resource
    this.options = options
    this.log = options.log.child({ kind: resource.kind })
  }

  get state (): CacheState {
    return this.currentState
  }

  /** When the last list or watch failed; undefined while none has. */
  get lastErrorAt (): Date | undefined {
    return this.lastError
  }

  /** Cached objects (in one namespace, or all) by namespace and name, or undefined while the kind is not known yet. */
  list (namespace?: string): readonly KubeObject[] | undefined {
    if (this.currentState === 'unknown') return undefined
    if (namespace !== undefined) return this.byNamespace.get(namespace) ?? NO_OBJECTS
    // Buckets in order of their namespace key, each in order of name: namespace then name, as the
    // API server orders a list (a Namespace's key is its name; cluster-scoped kinds have one bucket).
    this.everything ??= Object.freeze([...this.byNamespace.keys()].sort(compare).flatMap((key) => this.byNamespace.get(key) ?? NO_OBJECTS))
    return this.everything
  }

  get (name: string, namespace?: string): KubeObject | undefined {
    return find(this.byNamespace.get(this.namespaceKey({ metadata: { name, namespace } })) ?? NO_OBJECTS, name)
  }

  /** Called for every change, including those a relist finds. Listeners must not throw. */
  onEvent (listener: (event: CacheEvent) => void): void {
    this.listeners.push(listener)
  }

  /** Resolves once the kind is known (synced or not served), or when the informer stops. */
  async synced (): Promise<void> {
    if (this.currentState !== 'unknown' || this.abort.signal.aborted) return
    await new Promise<void>((resolve) => this.syncWaiters.push(resolve))
  }

  start (): void {
    this.running ??= this.run()
  }

  async stop (): Promise<void> {
    this.abort.abort()
    this.cancelWatch?.()
    this.releaseWaiters()
    await this.running
  }

  private async run (): Promise<void> {
    const backoff = new Backoff(this.options.retry)
    const signal = this.abort.signal
    while (!signal.aborted) {
      try {
        if (!await this.relist()) {
          await sleep(this.options.notServedRetryMs ?? 300_000, signal)
          continue
        }
        backoff.reset()
        await this.watchUntilGone(backoff)
      } catch (error) {
        if (signal.aborted) break
        this.lastError = new Date()
        const delay = backoff.next()
        this.log.warn({ err: errorSummary(error), retryInMs: delay }, 'list failed; retrying')
        await sleep(delay, signal)
      }
    }
  }

  /** Lists every page and swaps the cache; false when the kind is not served. */
  private async relist (): Promise<boolean> {
    const list = async () => await listAll(this.port, this.resource, this.options.pageSize ?? 100, (object) => this.normalise(object))
    const listed = this.options.listGate === undefined ? await list() : await this.options.listGate.run(list, this.abort.signal)
    if (listed === undefined) {
      this.markNotServed()
      return false
    }
    this.replaceAll(listed.items)
    this.markSynced('synced')
    this.resourceVersion = listed.resourceVersion
    return true
  }

  private async watchUntilGone (backoff: Backoff): Promise<void> {
    const signal = this.abort.signal
    while (!signal.aborted) {
      const outcome = await this.watchOnce()
      if (outcome === 'gone') {
        this.log.info('watch history expired (410 Gone); relisting')
        return
      }
      if (outcome instanceof Error && !signal.aborted) {
        this.lastError = new Date()
        const delay = backoff.next()
        this.log.warn({ err: errorSummary(outcome), retryInMs: delay }, 'watch failed; resuming')
        await sleep(delay, signal)
      } else {
        backoff.reset()
      }
    }
  }

  private async watchOnce (): Promise<WatchOutcome> {
    return await new Promise<WatchOutcome>((resolve) => {
      let handle: WatchHandle | undefined
      let finished = false
      const finish = (outcome: WatchOutcome): void => {
        if (finished) return
        finished = true
        this.cancelWatch = undefined
        handle?.stop()
        resolve(outcome)
      }
      this.cancelWatch = () => finish('ended')
      const options = { resourceVersion: this.resourceVersion, timeoutSeconds: this.options.watchTimeoutSeconds ?? 300 }
      this.port.watch(this.resource, options, (event) => {
        const outcome = this.apply(event)
        if (outcome !== undefined) finish(outcome)
      }, (error) => {
        finish(error === undefined ? 'ended' : isKubeError(error, 410) ? 'gone' : error)
      }).then((started) => {
        handle = started
        if (finished) started.stop()
      }, (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))))
    })
  }

  /** Applies one watch event; returns how the watch ends when the event ends it. */
  private apply (event: WatchEvent): WatchOutcome | undefined {
    const { type, object } = event
    if (type === 'ERROR') {
      const status = object as { code?: number, message?: string }
      return status.code === 410 ? 'gone' : new Error(`watch error ${status.code ?? ''}: ${status.message ?? ''}`)
    }
    const resourceVersion = object.metadata?.resourceVersion
    if (resourceVersion !== undefined) this.resourceVersion = resourceVersion
    if (type === 'BOOKMARK') return undefined
    const normal = this.normalise(object)
    if (type === 'DELETED') this.remove(normal)
    else this.upsert(normal)
    return undefined
  }

  private upsert (object: KubeObject): void {
    const name = object.metadata?.name ?? ''
    const key = this.namespaceKey(object)
    const bucket = this.byNamespace.get(key) ?? NO_OBJECTS
    const at = indexOfName(bucket, name)
    const old = at >= 0 ? bucket[at] : undefined
    if (old !== undefined && sameVersion(old, object)) return
    this.setBucket(key, at >= 0 ? bucket.with(at, object) : bucket.toSpliced(-at - 1, 0, object))
    this.changed({ type: old === undefined ? 'ADDED' : 'MODIFIED', object })
  }

  private remove (object: KubeObject): void {
    const key = this.namespaceKey(object)
    const bucket = this.byNamespace.get(key) ?? NO_OBJECTS
    const at = indexOfName(bucket, object.metadata?.name ?? '')
    if (at < 0) return
    this.setBucket(key, bucket.toSpliced(at, 1))
    this.changed({ type: 'DELETED', object: bucket[at] as KubeObject })
  }

  private setBucket (key: string, bucket: KubeObject[]): void {
    if (bucket.length === 0) this.byNamespace.delete(key)
    else this.byNamespace.set(key, Object.freeze(bucket))
    this.everything = undefined
  }

  /**
   * Swaps in a fresh list (normalised objects) at once, then reports what changed since the last
   * one: what is gone, then what is new or changed, in list order. An object whose
   * resourceVersion did not change stays the cached one. Whole buckets are built here, not an
   * object at a time: a namespace of 10,000 Routes would otherwise be copied 10,000 times. The
   * events are made as they are reported, not gathered first: 45,000 of them outlived young
   * collections during a sync, and what survives those grows V8's young generation.
   */
  private replaceAll (items: readonly KubeObject[]): void {
    const before = this.byNamespace
    const growing = new Map<string, KubeObject[]>()
    for (const object of items) {
      const key = this.namespaceKey(object)
      const old = find(before.get(key) ?? NO_OBJECTS, object.metadata?.name ?? '')
      const kept = old !== undefined && sameVersion(old, object) ? old : object
      const bucket = growing.get(key)
      if (bucket === undefined) growing.set(key, [kept])
      else bucket.push(kept)
    }
    // Each bucket copied as long as it is: an array grown by push keeps room for ~16 more.
    this.byNamespace = new Map([...growing].map(([key, bucket]) => [key, Object.freeze(bucket.sort(byName).slice())]))
    this.everything = undefined
    for (const [key, bucket] of before) {
      const now = this.byNamespace.get(key) ?? NO_OBJECTS
      for (const old of bucket) {
        if (find(now, old.metadata?.name ?? '') === undefined) this.changed({ type: 'DELETED', object: old })
      }
    }
    for (const object of items) {
      const old = find(before.get(this.namespaceKey(object)) ?? NO_OBJECTS, object.metadata?.name ?? '')
      if (old === undefined) this.changed({ type: 'ADDED', object })
      else if (!sameVersion(old, object)) this.changed({ type: 'MODIFIED', object })
    }
  }

  private markNotServed (): void {
    if (!this.notServedLogged) {
      this.notServedLogged = true
      this.log.info({ apiVersion: apiVersionOf(this.resource) }, 'this cluster does not serve the kind; treating it as absent')
    }
    this.replaceAll([])
    this.markSynced('not-served')
  }

  private markSynced (state: CacheState): void {
    const first = this.currentState === 'unknown'
    this.currentState = state
    if (first) this.releaseWaiters()
  }

  private releaseWaiters (): void {
    for (const resolve of this.syncWaiters.splice(0)) resolve()
  }

  private changed (event: CacheEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch (error) {
        this.log.error({ err: errorSummary(error) }, 'cache event listener failed')
      }
    }
  }

  private normalise (object: KubeObject): KubeObject {
    if (this.options.transform !== undefined) return this.options.transform(object)
    const { managedFields: _managedFields, ...metadata } = (object.metadata ?? {}) as Record<string, unknown>
    return { apiVersion: apiVersionOf(this.resource), kind: this.resource.kind, ...object, metadata }
  }

  private namespaceKey (object: KubeObject): string {
    if (this.resource.group === '' && this.resource.kind === 'Namespace') return object.metadata?.name ?? ''
    return this.resource.namespaced ? object.metadata?.namespace ?? '' : ''
  }
}

/** What to log about an error: never a response body or object content. */
export function errorSummary (error: unknown): { message: string, status?: number, code?: string } {
  if (!(error instanceof Error)) return { message: String(error) }
  const { status, code } = error as { status?: number, code?: string }
  return { message: error.message, ...(status === undefined ? {} : { status }), ...(code === undefined ? {} : { code }) }
}

/** The API server's order (etcd keys: code units), and far cheaper than localeCompare on 30,000 objects. */
function byName (a: KubeObject, b: KubeObject): number {
  return compare(a.metadata?.name ?? '', b.metadata?.name ?? '')
}

/** Where `name` is in a bucket sorted by name; not there: -(where it would go) - 1. */
function indexOfName (bucket: readonly KubeObject[], name: string): number {
  let low = 0
  let high = bucket.length - 1
  while (low <= high) {
    const middle = (low + high) >>> 1
    const order = compare(bucket[middle]?.metadata?.name ?? '', name)
    if (order === 0) return middle
    if (order < 0) low = middle + 1
    else high = middle - 1
  }
  return -low - 1
}

function sameVersion (a: KubeObject, b: KubeObject): boolean {
  return a.metadata?.resourceVersion === b.metadata?.resourceVersion
}

function find (bucket: readonly KubeObject[], name: string): KubeObject | undefined {
  const at = indexOfName(bucket, name)
  return at >= 0 ? bucket[at] : undefined
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
