import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { E2EState } from './state.ts'

/** One `review` line of a netguard replica's log. */
export interface LoggedReview {
  readonly replica: string
  readonly point: 'validate' | 'mutate'
  readonly uid: string
  readonly kind: string
  readonly namespace?: string
  readonly name?: string
  readonly operation: string
  readonly verdict: 'allowed' | 'denied'
  readonly rules: readonly string[]
  readonly dryRun: boolean
}

/** Every review any netguard replica of this run has logged so far. */
export function loggedReviews (state: Pick<E2EState, 'logDir'>): LoggedReview[] {
  const reviews: LoggedReview[] = []
  for (const file of readdirSync(state.logDir).filter((name) => name.startsWith('netguard-') && name.endsWith('.log'))) {
    for (const line of readFileSync(join(state.logDir, file), 'utf8').split('\n')) {
      if (!line.includes('"msg":"review"')) continue
      reviews.push({ replica: file.slice(0, -'.log'.length), ...JSON.parse(line) as Omit<LoggedReview, 'replica'> })
    }
  }
  return reviews
}
