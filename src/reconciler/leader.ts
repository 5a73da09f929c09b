import type { Logger } from 'pino'
import { errorSummary } from '../cluster/informer.ts'
import { sleep } from '../cluster/backoff.ts'
import { isKubeError, type KubePort } from '../kube/port.ts'
import { apiVersionOf, LEASES } from '../kube/resources.ts'
import type { KubeObject } from '../kube/types.ts'

export interface LeaderElectionOptions {
  readonly port: KubePort
  readonly log: Logger
  /** Namespace of the Lease (netguard's own). */
  readonly namespace: string
  /** @default 'netguard-reconciler' */
  readonly name?: string
  /** This replica (the pod name). */
  readonly identity: string
  /** A leader that has not renewed for this long may be replaced. @default 15000 */
  readonly leaseDurationMs?: number
  /** A leader that could not renew for this long stops writing. @default 10000 */
  readonly renewDeadlineMs?: number
  /** How often to try to acquire or renew. @default 2000 */
  readonly retryPeriodMs?: number
  /** Wall clock for the Lease's times; expiry is judged on the local monotonic clock. */
  readonly now?: () => Date
  readonly onStartedLeading?: () => void
  readonly onStoppedLeading?: () => void
}

type Attempt = 'held' | 'other' | 'failed'

interface LeaseSpec {
  holderIdentity?: string
  leaseDurationSeconds?: number
  acquireTime?: string
  renewTime?: string
  leaseTransitions?: number
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews
 * the Lease every retry period; another replica takes over once it has seen the same record
 * unchanged for a whole lease duration (judged on its own clock, so clock skew between nodes does
 * not matter). Writes use the Lease's resourceVersion, so two candidates never both win. Only the
 * leader writes; one that cannot renew before the deadline steps down.
 */
export class LeaderElector {
  private readonly options: LeaderElectionOptions
  private readonly name: string
  private readonly abort = new AbortController()
  private leading = false
  private term: AbortController | undefined
  private observed: { record: string, at: number } | undefined
  private lastRenew = 0
  private running: Promise<void> | undefined

  constructor (options: LeaderElectionOptions) {
    this.options = options
    this.name = options.name ?? 'netguard-reconciler'
  }

  get isLeader (): boolean {
    return this.leading
  }

  /**
   * While this replica leads: a signal that aborts when it stops leading (a new one each term).
   * Writes carry it, so a write still waiting for its turn in the rate limiter when the Lease is
   * lost is never sent.
   */
  get leadership (): AbortSignal | undefined {
    return this.term?.signal
  }

  start (): void {
    this.running ??= this.run()
  }

  /** Stops; a leader releases the Lease so that another replica takes over at once. */
  async stop (): Promise<void> {
    this.abort.abort()
    await this.running
    if (!this.leading) return
    this.setLeading(false)
    try {
      const lease = await this.options.port.get(LEASES, this.name, this.options.namespace)
      const spec = (lease?.spec ?? {}) as LeaseSpec
      if (lease !== undefined && spec.holderIdentity === this.options.identity) {
        await this.options.port.replace(LEASES, { ...lease, spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1 } })
      }
    } catch (error) {
      this.options.log.warn({ err: errorSummary(error) }, 'could not release the leader Lease; another replica takes over when it expires')
    }
  }

  private async run (): Promise<void> {
    const signal = this.abort.signal
    while (!signal.aborted) {
      const outcome = await this.tryAcquireOrRenew().catch((error: unknown): Attempt => {
        this.options.log.warn({ err: errorSummary(error) }, 'leader election: Lease request failed')
        return 'failed'
      })
      if (signal.aborted) break
      if (outcome === 'held') {
        this.lastRenew = performance.now()
        this.setLeading(true)
      } else if (outcome === 'other') {
        this.setLeading(false)
      } else if (this.leading && performance.now() - this.lastRenew > (this.options.renewDeadlineMs ?? 10_000)) {
        this.options.log.warn('leader election: could not renew the Lease in time; stepping down')
        this.setLeading(false)
      }
      await sleep(this.options.retryPeriodMs ?? 2000, signal)
    }
  }

  /** `held`: this replica holds the Lease now; `other`: another live replica does; `failed`: unknown. */
  private async tryAcquireOrRenew (): Promise<Attempt> {
    const { port, namespace, identity } = this.options
    const now = this.timestamp()
    const durationSeconds = Math.max(1, Math.ceil((this.options.leaseDurationMs ?? 15_000) / 1000))
    const lease = await port.get(LEASES, this.name, namespace)
    if (lease === undefined) {
      const spec: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 }
      return await this.write(() => port.create(LEASES, { apiVersion: apiVersionOf(LEASES), kind: 'Lease', metadata: { name: this.name, namespace }, spec }))
    }
    const spec = (lease.spec ?? {}) as LeaseSpec
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, lease.metadata?.resourceVersion])
    if (this.observed?.record !== record) this.observed = { record, at: performance.now() }
    const holder = spec.holderIdentity ?? ''
    const expired = performance.now() - this.observed.at > (this.options.leaseDurationMs ?? 15_000)
    if (holder !== '' && holder !== identity && !expired) return 'other'
    const takeover = holder !== identity
    const renewed: KubeObject = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        renewTime: now,
        acquireTime: takeover ? now : spec.acquireTime ?? now,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (takeover && holder !== '' ? 1 : 0)
      }
    }
    if (takeover) this.options.log.info({ previous: holder === '' ? undefined : holder }, 'leader election: taking over the Lease')
    return await this.write(() => port.replace(LEASES, renewed))
  }

  /** A write that lost the race (409) is not an error: someone else holds or just took the Lease. */
  private async write (request: () => Promise<KubeObject>): Promise<Attempt> {
    try {
      await request()
      return 'held'
    } catch (error) {
      if (isKubeError(error, 409)) return 'failed'
      throw error
    }
  }

  private setLeading (leading: boolean): void {
    if (leading === this.leading) return
    this.leading = leading
    if (leading) {
      this.term = new AbortController()
    } else {
      this.term?.abort(new Error('no longer the leader'))
      this.term = undefined
    }
    this.options.log.info({ identity: this.options.identity, lease: `${this.options.namespace}/${this.name}` }, leading ? 'became the leader' : 'no longer the leader')
    if (leading) this.options.onStartedLeading?.()
    else this.options.onStoppedLeading?.()
  }

  /** MicroTime: RFC 3339 with exactly six fractional digits, as the API server parses it. */
  private timestamp (): string {
    return (this.options.now?.() ?? new Date()).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
  }
}
