import { Backoff, type BackoffOptions } from '../cluster/backoff.ts'
import { TokenBucket, type RateLimit } from '../kube/rate-limiter.ts'

export interface WorkQueueOptions {
  /** Per-key delays of `retry`. */
  readonly retry?: BackoffOptions
  /** All retries together, whatever their keys: client-go's default controller rate limiter. @default { qps: 10, burst: 100 } */
  readonly retryLimit?: RateLimit
  /** Keys handled at once (never the same key twice at once). @default 4 */
  readonly workers?: number
}

/**
 * A rate-limited work queue keyed by name, as client-go's: a key is queued once however often it
 * is added; a key added while it is being handled is handled again afterwards; failed keys come
 * back after a per-key exponential backoff (reset by `forget` once they succeed) or later, when
 * retries of all keys together exceed an overall token bucket (an outage that fails every key
 * does not come back as a flood).
 */
export class WorkQueue {
  private readonly queue: string[] = []
  private readonly queued = new Set<string>()
  private readonly processing = new Set<string>()
  private readonly dirty = new Set<string>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly backoffs = new Map<string, Backoff>()
  private readonly retries: TokenBucket
  private readonly options: WorkQueueOptions
  private wake: (() => void) | undefined
  private stopped = false

  constructor (options: WorkQueueOptions = {}) {
    this.options = options
    this.retries = new TokenBucket(options.retryLimit ?? { qps: 10, burst: 100 })
  }

  /** Keys queued, being handled, or waiting for a retry. */
  get backlog (): number {
    return this.queue.length + this.processing.size + this.timers.size
  }

  add (key: string): void {
    if (this.stopped) return
    if (this.processing.has(key)) {
      this.dirty.add(key)
      return
    }
    if (this.queued.has(key)) return
    this.queued.add(key)
    this.queue.push(key)
    this.wake?.()
  }

  /** Adds the key again after its backoff delay, which grows with each retry, or its turn in the overall bucket. */
  retry (key: string): number {
    let backoff = this.backoffs.get(key)
    if (backoff === undefined) {
      backoff = new Backoff(this.options.retry)
      this.backoffs.set(key, backoff)
    }
    const delay = Math.max(backoff.next(), this.retries.reserve())
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      this.add(key)
    }, delay)
    this.timers.add(timer)
    return delay
  }

  /** The key succeeded: its next failure starts from the shortest delay again. */
  forget (key: string): void {
    this.backoffs.delete(key)
  }

  /** Handles keys with `workers` concurrent loops until `stop`. The handler must not throw. */
  async run (handler: (key: string) => Promise<void>): Promise<void> {
    await Promise.all(Array.from({ length: this.options.workers ?? 4 }, async () => await this.work(handler)))
  }

  stop (): void {
    this.stopped = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.wake?.()
  }

  private async work (handler: (key: string) => Promise<void>): Promise<void> {
    while (!this.stopped) {
      const key = this.queue.shift()
      if (key === undefined) {
        await new Promise<void>((resolve) => {
          const previous = this.wake
          this.wake = () => {
            this.wake = undefined
            previous?.()
            resolve()
          }
        })
        continue
      }
      this.queued.delete(key)
      this.processing.add(key)
      try {
        await handler(key)
      } finally {
        this.processing.delete(key)
        if (this.dirty.delete(key)) this.add(key)
      }
    }
  }
}
