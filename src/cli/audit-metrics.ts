import { Gauge, Registry } from 'prom-client'
import type { AuditedObject } from './audit-report.ts'

/** The audit's group on the Pushgateway: each run replaces the previous run's series. */
const PUSHGATEWAY_JOB = 'netguard-audit'
const PUSH_TIMEOUT_MS = 10_000

/**
 * The audit's results as Prometheus gauges: how many results of each rule came out pass, fail,
 * warn, skip or error in each namespace ("" for cluster-scoped objects), and when the run was.
 * The audit runs as a Job, which Prometheus cannot scrape: these go to a Pushgateway.
 */
export function auditMetrics (audited: readonly AuditedObject[], now: Date): Registry {
  const registry = new Registry()
  const results = new Gauge({
    name: 'netguard_audit_results',
    help: 'Results of the last netguard audit, by namespace ("" for cluster-scoped objects), rule and result (pass, fail, warn, skip, error).',
    labelNames: ['namespace', 'rule', 'result'] as const,
    registers: [registry]
  })
  for (const { ref, outcomes } of audited) {
    for (const outcome of outcomes) results.inc({ namespace: ref.namespace ?? '', rule: outcome.rule, result: outcome.result })
  }
  new Gauge({
    name: 'netguard_audit_last_run_timestamp_seconds',
    help: 'When the last netguard audit ran (Unix time).',
    registers: [registry]
  }).set(now.getTime() / 1000)
  return registry
}

/** Replaces the audit's group on the Pushgateway at `gateway` (PUT /metrics/job/netguard-audit). */
export async function pushAuditMetrics (gateway: URL, registry: Registry): Promise<void> {
  const url = new URL(`metrics/job/${PUSHGATEWAY_JOB}`, gateway.href.endsWith('/') ? gateway : `${gateway.href}/`)
  let response: Response
  try {
    response = await fetch(url, { method: 'PUT', headers: { 'content-type': registry.contentType }, body: await registry.metrics(), signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) })
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message
    throw new Error(`could not push the audit's metrics to ${url.href}: ${cause}`)
  }
  if (!response.ok) throw new Error(`the Pushgateway at ${url.href} refused the audit's metrics: HTTP ${response.status} ${(await response.text()).slice(0, 200).trim()}`)
}
