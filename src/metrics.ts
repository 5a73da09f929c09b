import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerBase } from 'fastify'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Decision } from './engine/decide.ts'
import { RULES } from './engine/rules/index.ts'
import { OPERATIONS, type Change, type Violation } from './engine/types.ts'
import { KNOWN_RESOURCES } from './kube/resources.ts'
import { kindKey, type KindRef } from './kube/types.ts'
import type { PolicyStatus } from './policy/store.ts'

/** What a review came to, as one label value; `error`: the request was not a readable review (HTTP 4xx). */
export type Verdict = 'allowed' | 'warned' | 'patched' | 'denied' | 'error'

export interface ReviewRecord {
  readonly webhook: 'validate' | 'mutate'
  readonly kind: KindRef | undefined
  readonly operation: string | undefined
  readonly verdict: Verdict
  /** How long the review took; undefined for a request that was not a readable review. */
  readonly seconds?: number
  readonly violations?: readonly Pick<Violation, 'ruleId' | 'action'>[]
  readonly changes?: readonly Pick<Change, 'ruleId' | 'action'>[]
}

/** The reconciler's view of metrics; it needs no prom-client types. */
export interface ReconcilerMetrics {
  /** One pass over a namespace: `ok`, or `error` (it will be retried). */
  reconciled (result: 'ok' | 'error'): void
  /** A managed NetworkPolicy created, updated or deleted; in audit mode only reported. */
  repaired (operation: 'create' | 'update' | 'delete', mode: 'enforce' | 'audit'): void
  /** Whether this replica holds the Lease and so is the one that writes. */
  leading (isLeader: boolean): void
}

export interface MetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event loop lag, GC). @default true */
  readonly processMetrics?: boolean
}

const OTHER = 'other'

/** Label values come from closed sets, so that no client can grow the series without bound. */
function bounded (known: ReadonlySet<string>, value: string | undefined): string {
  return value !== undefined && known.has(value) ? value : OTHER
}

/**
 * Counts by label set, kept as plain numbers while reviews are answered and handed to prom-client
 * only when Prometheus scrapes. prom-client validates and hashes the label object on every `inc`,
 * which costs a review more than all of its rules do (bench/http.bench.ts).
 */
class Tally<L extends string> {
  private readonly cells = new Map<string, { readonly labels: Readonly<Record<L, string>>, count: number }>()

  constructor (registry: Registry, config: { readonly name: string, readonly help: string, readonly labelNames: readonly L[] }) {
    const { cells } = this
    const counter: Counter<L> = new Counter<L>({
      ...config,
      registers: [registry],
      collect () {
        counter.reset()
        for (const { labels, count } of cells.values()) counter.inc(labels, count)
      }
    })
  }

  /** One more for a label set; `key` tells label sets apart (the values joined). */
  add (key: string, labels: () => Readonly<Record<L, string>>): void {
    const cell = this.cells.get(key)
    if (cell === undefined) this.cells.set(key, { labels: labels(), count: 1 })
    else cell.count++
  }
}

/**
 * The metrics of one server, in a registry of its own (so tests and several apps in one process
 * never collide). Labels are kind, operation, verdict, rule and action: never a namespace or a
 * name, which would make a series per object.
 */
export class Metrics implements ReconcilerMetrics {
  readonly registry = new Registry()
  private readonly kinds = new Set(KNOWN_RESOURCES.map(kindKey))
  private readonly operations = new Set<string>(OPERATIONS)
  private readonly rules = new Set(RULES.map((rule) => rule.id))

  private readonly reviews = new Tally(this.registry, {
    name: 'netguard_admission_reviews_total',
    help: 'Admission reviews answered, by webhook, kind, operation and verdict.',
    labelNames: ['webhook', 'kind', 'operation', 'verdict'] as const
  })

  private readonly reviewSeconds = new Histogram({
    name: 'netguard_admission_review_duration_seconds',
    help: 'Time from request to response of an admission review, by webhook.',
    labelNames: ['webhook'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry]
  })

  private readonly violations = new Tally(this.registry, {
    name: 'netguard_violations_total',
    help: 'Rule violations found in admission reviews, by rule and action (deny, warn, audit).',
    labelNames: ['rule', 'action'] as const
  })

  private readonly mutations = new Tally(this.registry, {
    name: 'netguard_mutations_total',
    help: 'Changes made (mutate) or, in audit, only reported, by rule and action.',
    labelNames: ['rule', 'action'] as const
  })

  readonly reconciles = new Counter({
    name: 'netguard_reconciles_total',
    help: 'Reconciler passes over a namespace, by result (ok, error).',
    labelNames: ['result'] as const,
    registers: [this.registry]
  })

  readonly repairs = new Counter({
    name: 'netguard_reconcile_repairs_total',
    help: 'Managed NetworkPolicies created, updated or deleted (mode audit: only reported).',
    labelNames: ['operation', 'mode'] as const,
    registers: [this.registry]
  })

  readonly leader = new Gauge({
    name: 'netguard_leader',
    help: '1 while this replica holds the leader Lease and writes, else 0.',
    registers: [this.registry]
  })

  constructor (options: MetricsOptions = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry })
  }

  recordReview (review: ReviewRecord): void {
    const webhook = review.webhook
    const kind = bounded(this.kinds, review.kind === undefined ? undefined : kindKey(review.kind))
    const operation = bounded(this.operations, review.operation)
    const verdict = review.verdict
    this.reviews.add(`${webhook} ${kind} ${operation} ${verdict}`, () => ({ webhook, kind, operation, verdict }))
    if (review.seconds !== undefined) this.reviewSeconds.observe({ webhook }, review.seconds)
    for (const found of review.violations ?? []) this.countFinding(this.violations, found)
    for (const found of review.changes ?? []) this.countFinding(this.mutations, found)
  }

  private countFinding (tally: Tally<'rule' | 'action'>, found: Pick<Violation | Change, 'ruleId' | 'action'>): void {
    const rule = bounded(this.rules, found.ruleId)
    const action = found.action
    tally.add(`${rule} ${action}`, () => ({ rule, action }))
  }

  reconciled (result: 'ok' | 'error'): void {
    this.reconciles.inc({ result })
  }

  repaired (operation: 'create' | 'update' | 'delete', mode: 'enforce' | 'audit'): void {
    this.repairs.inc({ operation, mode })
  }

  leading (isLeader: boolean): void {
    this.leader.set(isLeader ? 1 : 0)
  }

  /** Exports the policy store's reload counts and state, read when Prometheus scrapes. */
  observePolicy (status: () => PolicyStatus): void {
    const reloads = new Counter({
      name: 'netguard_policy_reloads_total',
      help: 'Policy reloads since start, by result (success, failure).',
      labelNames: ['result'] as const,
      registers: [],
      collect () {
        const { reloads, failedReloads } = status()
        this.reset()
        this.inc({ result: 'success' }, reloads)
        this.inc({ result: 'failure' }, failedReloads)
      }
    })
    const failed = new Gauge({
      name: 'netguard_policy_reload_failed',
      help: '1 while the policy files on disk are invalid and the last good policy stays in force.',
      registers: [],
      collect () { this.set(status().lastError === undefined ? 0 : 1) }
    })
    const loaded = new Gauge({
      name: 'netguard_policy_loaded_timestamp_seconds',
      help: 'When the policy in force was loaded (Unix time).',
      registers: [],
      collect () { this.set(status().loadedAt.getTime() / 1000) }
    })
    for (const metric of [reloads, failed, loaded]) this.registry.registerMetric(metric)
  }
}

/** The verdict label of an engine decision. */
export function verdictOf (decision: Decision): Verdict {
  if (!decision.allowed) return 'denied'
  if (decision.patch) return 'patched'
  return decision.warnings.length > 0 ? 'warned' : 'allowed'
}

/** GET /metrics in the Prometheus text format. */
export function registerMetricsRoute<S extends RawServerBase, L extends FastifyBaseLogger> (
  app: FastifyInstance<S, RawRequestDefaultExpression<S>, RawReplyDefaultExpression<S>, L>,
  metrics: Metrics
): void {
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics()
    return await reply.type(metrics.registry.contentType).send(text)
  })
}
