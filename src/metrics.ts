import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerBase } from 'fastify'
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import type { Decision } from './engine/decide.ts'
import { RULES } from './engine/rules/index.ts'
import { ACTIONS, MUTATION_ACTIONS, OPERATIONS, REVIEW_POINTS, type Change, type ReviewPoint, type Violation } from './engine/types.ts'
import { KNOWN_RESOURCES } from './kube/resources.ts'
import { kindKey, type KindRef } from './kube/types.ts'
import type { PolicyStatus } from './policy/store.ts'
import type { CertificateStatus } from './tls/key-pair.ts'
import { CounterGrid, HistogramGrid } from './tally.ts'

/** What a review came to, as one label value; `error`: the request was not a readable review (HTTP 4xx). */
export type Verdict = 'allowed' | 'warned' | 'patched' | 'denied' | 'error'
const VERDICTS: readonly Verdict[] = ['allowed', 'warned', 'patched', 'denied', 'error']
const RULE_IDS = RULES.map((rule) => rule.id)

export interface ReviewRecord {
  readonly webhook: ReviewPoint
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

/** An informer cache as the metrics read it (ClusterCaches.health gives these); metrics sit beside cluster/, not above it. */
export interface ObservedCache {
  /** `unknown` until the cache is listed; anything else counts as synced. */
  readonly state: string
  readonly lastErrorAt: Date | undefined
}

export interface MetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event loop lag, GC). @default true */
  readonly processMetrics?: boolean
}

/**
 * The metrics of one server, in a registry of its own (so tests and several apps in one process
 * never collide). Labels are kind, operation, verdict, rule and action: never a namespace or a
 * name, which would make a series per object.
 */
export class Metrics implements ReconcilerMetrics {
  readonly registry = new Registry()

  private readonly reviews = new CounterGrid(this.registry, {
    name: 'netguard_admission_reviews_total',
    help: 'Admission reviews answered, by webhook, kind, operation and verdict.',
    dimensions: [
      { label: 'webhook', values: REVIEW_POINTS },
      { label: 'kind', values: KNOWN_RESOURCES.map(kindKey) },
      { label: 'operation', values: OPERATIONS },
      { label: 'verdict', values: VERDICTS }
    ]
  })

  private readonly reviewSeconds = new HistogramGrid(this.registry, {
    name: 'netguard_admission_review_duration_seconds',
    help: 'Time from request to response of an admission review, by webhook.',
    dimension: { label: 'webhook', values: REVIEW_POINTS },
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
  })

  private readonly violations = new CounterGrid(this.registry, {
    name: 'netguard_violations_total',
    help: 'Rule violations found in admission reviews, by rule and action (deny, warn, audit).',
    dimensions: [{ label: 'rule', values: RULE_IDS }, { label: 'action', values: ACTIONS }]
  })

  private readonly mutations = new CounterGrid(this.registry, {
    name: 'netguard_mutations_total',
    help: 'Changes made (mutate) or, in audit, only reported, by rule and action.',
    dimensions: [{ label: 'rule', values: RULE_IDS }, { label: 'action', values: MUTATION_ACTIONS }]
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
    this.reviews.add(review.webhook, review.kind === undefined ? undefined : kindKey(review.kind), review.operation, review.verdict)
    if (review.seconds !== undefined) this.reviewSeconds.observe(review.webhook, review.seconds)
    for (const { ruleId, action } of review.violations ?? []) this.violations.add(ruleId, action)
    for (const { ruleId, action } of review.changes ?? []) this.mutations.add(ruleId, action)
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

  /** Exports the serving certificate in use, read when Prometheus scrapes: a reload shows at the next scrape. */
  observeCertificate (status: () => CertificateStatus): void {
    const expiry = new Gauge({
      name: 'netguard_certificate_expiry_timestamp_seconds',
      help: 'When the serving certificate in use expires (Unix time); follows certificate reloads.',
      registers: [],
      collect () { this.set(status().notAfter.getTime() / 1000) }
    })
    const failed = new Gauge({
      name: 'netguard_certificate_reload_failed',
      help: '1 while the certificate files on disk are bad and the previous certificate keeps serving.',
      registers: [],
      collect () { this.set(status().lastError === undefined ? 0 : 1) }
    })
    for (const metric of [expiry, failed]) this.registry.registerMetric(metric)
  }

  /** Exports each informer cache's state and last failure, read when Prometheus scrapes. */
  observeCaches (health: () => Readonly<Record<string, ObservedCache>>): void {
    const synced = new Gauge({
      name: 'netguard_cache_synced',
      help: 'Per cached kind: 1 once the cache is known (listed, or the kind is not served), 0 while rules still answer "unknown".',
      labelNames: ['kind'] as const,
      registers: [],
      collect () {
        this.reset()
        for (const [kind, { state }] of Object.entries(health())) this.set({ kind }, state === 'unknown' ? 0 : 1)
      }
    })
    const lastError = new Gauge({
      name: 'netguard_cache_last_sync_error_timestamp_seconds',
      help: 'Per cached kind: when its last list or watch failed (Unix time), 0 if none has.',
      labelNames: ['kind'] as const,
      registers: [],
      collect () {
        this.reset()
        for (const [kind, { lastErrorAt }] of Object.entries(health())) this.set({ kind }, lastErrorAt === undefined ? 0 : lastErrorAt.getTime() / 1000)
      }
    })
    for (const metric of [synced, lastError]) this.registry.registerMetric(metric)
  }

  /** Exports how many log lines the bounded stdout buffer dropped (a reader that does not keep up). */
  observeDroppedLogLines (dropped: () => number): void {
    this.registry.registerMetric(new Counter({
      name: 'netguard_log_lines_dropped_total',
      help: 'Log lines dropped because stdout did not take them and the log buffer was full.',
      registers: [],
      collect () {
        this.reset()
        this.inc(dropped())
      }
    }))
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
