import Fastify from 'fastify'
import t from 'tap'
import { decide } from '../src/engine/decide.ts'
import type { Violation } from '../src/engine/types.ts'
import { Metrics, registerMetricsRoute, verdictOf } from '../src/metrics.ts'
import type { CacheHealth } from '../src/cluster/caches.ts'
import type { PolicyStatus } from '../src/policy/store.ts'
import type { CertificateStatus } from '../src/tls/key-pair.ts'
import { sample } from './helpers/metrics.ts'

const SERVICE = { group: '', kind: 'Service' }
const nodePort: Violation = { ruleId: 'SVC-NODEPORT', action: 'deny', path: 'spec.type', message: 'spec.type NodePort is not allowed', fix: 'use a Route' }

async function scrape (metrics: Metrics): Promise<{ contentType: string, body: string }> {
  const app = Fastify()
  registerMetricsRoute(app, metrics)
  const response = await app.inject({ method: 'GET', url: '/metrics' })
  await app.close()
  return { contentType: String(response.headers['content-type']), body: response.body }
}

t.test('GET /metrics counts reviews by kind, operation and verdict, and violations by rule and action', async (t) => {
  const metrics = new Metrics({ processMetrics: false })
  const denied = decide([nodePort], [], 'enforce')
  const audited = decide([nodePort], [], 'audit')
  const record = { webhook: 'validate', kind: SERVICE, operation: 'CREATE', seconds: 0.002 } as const
  metrics.recordReview({ ...record, verdict: verdictOf(denied), violations: denied.violations })
  metrics.recordReview({ ...record, verdict: verdictOf(denied), violations: denied.violations })
  metrics.recordReview({ ...record, verdict: verdictOf(audited), violations: [{ ruleId: 'SVC-NODEPORT', action: 'audit' }] })
  metrics.recordReview({ ...record, operation: 'UPDATE', verdict: verdictOf(decide([], [], 'enforce')), seconds: 0.0004 })

  const { contentType, body } = await scrape(metrics)
  t.match(contentType, /^text\/plain; version=0\.0\.4/)
  t.equal(sample(body, 'netguard_admission_reviews_total{webhook="validate",kind="Service",operation="CREATE",verdict="denied"}'), 2)
  t.equal(sample(body, 'netguard_admission_reviews_total{webhook="validate",kind="Service",operation="CREATE",verdict="warned"}'), 1)
  t.equal(sample(body, 'netguard_admission_reviews_total{webhook="validate",kind="Service",operation="UPDATE",verdict="allowed"}'), 1)
  t.equal(sample(body, 'netguard_violations_total{rule="SVC-NODEPORT",action="deny"}'), 2)
  t.equal(sample(body, 'netguard_violations_total{rule="SVC-NODEPORT",action="audit"}'), 1)
  t.equal(sample(body, 'netguard_admission_review_duration_seconds_count{webhook="validate"}'), 4)
  t.equal(sample(body, 'netguard_admission_review_duration_seconds_bucket{le="0.0005",webhook="validate"}'), 1)
  t.equal(sample(body, 'netguard_admission_review_duration_seconds_bucket{le="0.0025",webhook="validate"}'), 4)
  t.notMatch(body, /process_cpu/, 'process metrics can be left out')
})

t.test('mutations count by rule and action, and the verdict says patched', async (t) => {
  const metrics = new Metrics({ processMetrics: false })
  const patched = decide([], [{ ruleId: 'NS-ISOLATION', action: 'mutate', message: 'adds label' }], 'enforce')
  t.equal(verdictOf(patched), 'patched')
  metrics.recordReview({ webhook: 'mutate', kind: { group: '', kind: 'Namespace' }, operation: 'CREATE', verdict: verdictOf(patched), seconds: 0.001, changes: patched.changes })
  const { body } = await scrape(metrics)
  t.equal(sample(body, 'netguard_mutations_total{rule="NS-ISOLATION",action="mutate"}'), 1)
  t.equal(sample(body, 'netguard_admission_reviews_total{webhook="mutate",kind="Namespace",operation="CREATE",verdict="patched"}'), 1)
})

t.test('label values stay in closed sets, whatever a client sends', async (t) => {
  const metrics = new Metrics({ processMetrics: false })
  for (let index = 0; index < 50; index++) {
    metrics.recordReview({
      webhook: 'validate',
      kind: { group: `attack${index}.example.com`, kind: `Kind${index}` },
      operation: `OP${index}`,
      verdict: 'error',
      seconds: 0,
      violations: [{ ruleId: `RULE-${index}`, action: 'deny' }]
    })
  }
  metrics.recordReview({ webhook: 'validate', kind: undefined, operation: undefined, verdict: 'error' })
  const { body } = await scrape(metrics)
  t.equal(sample(body, 'netguard_admission_reviews_total{webhook="validate",kind="other",operation="other",verdict="error"}'), 51)
  t.equal(sample(body, 'netguard_violations_total{rule="other",action="deny"}'), 50)
  t.equal(body.split('\n').filter((line) => line.startsWith('netguard_admission_reviews_total{')).length, 1)
})

t.test('policy reloads: counts, the last-reload-failed gauge and the load time, read at scrape time', async (t) => {
  const metrics = new Metrics({ processMetrics: false })
  let status: PolicyStatus = { sources: ['policies/00-global.yaml'], loadedAt: new Date('2026-11-26T12:00:00Z'), lastError: undefined, reloads: 2, failedReloads: 0 }
  metrics.observePolicy(() => status)
  let { body } = await scrape(metrics)
  t.equal(sample(body, 'netguard_policy_reloads_total{result="success"}'), 2)
  t.equal(sample(body, 'netguard_policy_reloads_total{result="failure"}'), 0)
  t.equal(sample(body, 'netguard_policy_reload_failed'), 0)
  t.equal(sample(body, 'netguard_policy_loaded_timestamp_seconds'), Date.parse('2026-11-26T12:00:00Z') / 1000)

  status = { ...status, lastError: 'policies/services.yaml:3 spec.rules: bad', failedReloads: 1 }
  ;({ body } = await scrape(metrics))
  t.equal(sample(body, 'netguard_policy_reloads_total{result="failure"}'), 1)
  t.equal(sample(body, 'netguard_policy_reload_failed'), 1)
})

t.test('reconciler counters and the leader gauge', async (t) => {
  const metrics = new Metrics({ processMetrics: false })
  metrics.reconciled('ok')
  metrics.reconciled('ok')
  metrics.reconciled('error')
  metrics.repaired('create', 'enforce')
  metrics.repaired('update', 'audit')
  metrics.leading(true)
  const { body } = await scrape(metrics)
  t.equal(sample(body, 'netguard_reconciles_total{result="ok"}'), 2)
  t.equal(sample(body, 'netguard_reconciles_total{result="error"}'), 1)
  t.equal(sample(body, 'netguard_reconcile_repairs_total{operation="create",mode="enforce"}'), 1)
  t.equal(sample(body, 'netguard_reconcile_repairs_total{operation="update",mode="audit"}'), 1)
  t.equal(sample(body, 'netguard_leader'), 1)
})

t.test('process metrics are on by default, and two instances never share a registry', async (t) => {
  const first = new Metrics()
  const second = new Metrics()
  first.reconciled('ok')
  t.match((await scrape(first)).body, /process_cpu_user_seconds_total/)
  t.equal(sample((await scrape(second)).body, 'netguard_reconciles_total{result="ok"}'), undefined)
})

t.test('a duration above every bucket counts only in +Inf, and the sum adds every duration', async (t) => {
  const metrics = new Metrics({ processMetrics: false })
  const record = { webhook: 'mutate', kind: { group: '', kind: 'Namespace' }, operation: 'CREATE', verdict: 'patched' } as const
  metrics.recordReview({ ...record, seconds: 3 })
  metrics.recordReview({ ...record, seconds: 0.25 })
  const { body } = await scrape(metrics)
  t.equal(sample(body, 'netguard_admission_review_duration_seconds_bucket{le="0.25",webhook="mutate"}'), 1, 'a bound is inclusive')
  t.equal(sample(body, 'netguard_admission_review_duration_seconds_bucket{le="2.5",webhook="mutate"}'), 1)
  t.equal(sample(body, 'netguard_admission_review_duration_seconds_bucket{le="+Inf",webhook="mutate"}'), 2)
  t.equal(sample(body, 'netguard_admission_review_duration_seconds_sum{webhook="mutate"}'), 3.25)
  t.equal(sample(body, 'netguard_admission_review_duration_seconds_count{webhook="validate"}'), undefined, 'no series for a webhook with no reviews')
})

t.test('the serving certificate\'s expiry and reload failure, read at scrape time', async (t) => {
  const metrics = new Metrics({ processMetrics: false })
  let status: CertificateStatus = { source: '/etc/netguard/tls/tls.crt', notAfter: new Date('2027-01-01T00:00:00Z'), loadedAt: new Date('2026-11-26T12:00:00Z'), lastError: undefined }
  metrics.observeCertificate(() => status)
  let { body } = await scrape(metrics)
  t.equal(sample(body, 'netguard_certificate_expiry_timestamp_seconds'), Date.parse('2027-01-01T00:00:00Z') / 1000)
  t.equal(sample(body, 'netguard_certificate_reload_failed'), 0)

  status = { ...status, notAfter: new Date('2027-03-01T00:00:00Z') }
  ;({ body } = await scrape(metrics))
  t.equal(sample(body, 'netguard_certificate_expiry_timestamp_seconds'), Date.parse('2027-03-01T00:00:00Z') / 1000, 'a reloaded certificate shows')
  status = { ...status, lastError: 'tls.key is not the private key of the certificate' }
  ;({ body } = await scrape(metrics))
  t.equal(sample(body, 'netguard_certificate_reload_failed'), 1)
})

t.test('per cached kind: synced (a kind not served counts as known) and the last sync error', async (t) => {
  const metrics = new Metrics({ processMetrics: false })
  let health: Record<string, CacheHealth> = {
    Namespace: { state: 'unknown', lastErrorAt: new Date('2026-11-26T12:00:05Z') },
    'Route.route.openshift.io': { state: 'not-served', lastErrorAt: undefined }
  }
  metrics.observeCaches(() => health)
  let { body } = await scrape(metrics)
  t.equal(sample(body, 'netguard_cache_synced{kind="Namespace"}'), 0)
  t.equal(sample(body, 'netguard_cache_synced{kind="Route.route.openshift.io"}'), 1)
  t.equal(sample(body, 'netguard_cache_last_sync_error_timestamp_seconds{kind="Namespace"}'), Date.parse('2026-11-26T12:00:05Z') / 1000)
  t.equal(sample(body, 'netguard_cache_last_sync_error_timestamp_seconds{kind="Route.route.openshift.io"}'), 0)

  health = { Namespace: { state: 'synced', lastErrorAt: new Date('2026-11-26T12:00:05Z') } }
  ;({ body } = await scrape(metrics))
  t.equal(sample(body, 'netguard_cache_synced{kind="Namespace"}'), 1)
  t.equal(sample(body, 'netguard_cache_synced{kind="Route.route.openshift.io"}'), undefined, 'only the kinds cached now')
})
