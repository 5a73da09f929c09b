import { setTimeout as delay } from 'node:timers/promises'

export interface BackoffOptions {
  /** First delay after a failure. @default 500 */
  readonly initialMs?: number
  /** Longest delay. @default 30000 */
  readonly maxMs?: number
}

/**
 * Exponential backoff with jitter (±20 %), so replicas that lost the API server at the same
 * moment do not all come back at the same moment.
 */
export class Backoff {
  private readonly initialMs: number
  private readonly maxMs: number
  private failures = 0

  constructor (options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500
    this.maxMs = options.maxMs ?? 30_000
  }

  /** The delay before the next attempt; each call doubles it up to the maximum. */
  next (): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures, 30))
    this.failures++
    return Math.round(base * (0.8 + Math.random() * 0.4))
  }

  reset (): void {
    this.failures = 0
  }
}

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  await delay(ms, undefined, { signal }).catch(() => {})
}
