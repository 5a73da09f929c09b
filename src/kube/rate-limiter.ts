import { setTimeout as delay } from 'node:timers/promises'

export interface RateLimit {
  /** Sustained requests per second. @default 20 (client-go's controllers) */
  readonly qps: number
  /** Requests that may go at once after a quiet spell, above the sustained rate. @default 30 */
  readonly burst: number
}

export const DEFAULT_RATE_LIMIT: RateLimit = { qps: 20, burst: 30 }

/**
 * A token bucket, as client-go's flowcontrol limiter (golang.org/x/time/rate): it holds up to
 * `burst` tokens and gains `qps` a second; each request takes one. A request that finds none
 * reserves the next one to come, so callers are served in order and the wait is known at once.
 * In any one second at most `burst + qps` requests go out.
 */
export class TokenBucket {
  private readonly limit: RateLimit
  private readonly now: () => number
  private tokens: number
  private updatedAt: number

  constructor (limit: RateLimit = DEFAULT_RATE_LIMIT, now: () => number = () => performance.now()) {
    if (!(limit.qps > 0) || !Number.isInteger(limit.burst) || limit.burst < 1) {
      throw new RangeError(`rate limit needs qps > 0 and an integer burst >= 1, got qps ${limit.qps} and burst ${limit.burst}`)
    }
    this.limit = limit
    this.now = now
    this.tokens = limit.burst
    this.updatedAt = now()
  }

  /** Takes a token; the milliseconds to wait before using it (0: at once). */
  reserve (): number {
    const now = this.now()
    this.tokens = Math.min(this.limit.burst, this.tokens + (now - this.updatedAt) * this.limit.qps / 1000)
    this.updatedAt = now
    this.tokens -= 1
    return this.tokens >= 0 ? 0 : -this.tokens * 1000 / this.limit.qps
  }

  /** Waits for a token, or less when `signal` aborts (the token is spent all the same). */
  async take (signal?: AbortSignal): Promise<void> {
    const wait = this.reserve()
    if (wait > 0) await delay(wait, undefined, { signal }).catch(() => {})
  }
}
