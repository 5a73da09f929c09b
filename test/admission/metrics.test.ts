import t from 'tap'
import { buildApp } from '../../src/admission/app.ts'
import { Metrics } from '../../src/metrics.ts'
import { policyWith } from '../helpers/policy.ts'
import { capturedLogger, exampleReview, fixedPolicies } from '../helpers/review.ts'
import { sample } from '../helpers/metrics.ts'

// GET /metrics after real reviews through the app: what Prometheus would scrape.

t.test('reviews, verdicts, violations, mutations and errors show on /metrics', async (t) => {
  const metrics = new Metrics({ processMetrics: false })
  const policies = fixedPolicies(policyWith())
  metrics.observePolicy(() => policies.status)
  const app = buildApp({ policies, metrics, logger: capturedLogger().logger, clock: () => new Date('2026-11-26T12:00:00Z') })
  t.teardown(() => app.close())
  const post = async (point: string, name: string): Promise<number> => (await app.inject({
    method: 'POST', url: `/${point}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(exampleReview(name))
  })).statusCode

  t.equal(await post('validate', 'service-nodeport-denied'), 200)
  t.equal(await post('validate', 'service-nodeport-denied'), 200)
  t.equal(await post('validate', 'service-clusterip-allowed'), 200)
  t.equal(await post('mutate', 'namespace-create-isolated'), 200)
  t.equal((await app.inject({ method: 'POST', url: '/validate', headers: { 'content-type': 'application/json' }, payload: '{"kind":"nope"}' })).statusCode, 400)

  const reply = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(reply.statusCode, 200)
  t.match(reply.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const body = reply.body
  t.equal(sample(body, 'netguard_admission_reviews_total{webhook="validate",kind="Service",operation="CREATE",verdict="denied"}'), 2)
  t.equal(sample(body, 'netguard_admission_reviews_total{webhook="validate",kind="Service",operation="CREATE",verdict="allowed"}'), 1)
  t.equal(sample(body, 'netguard_admission_reviews_total{webhook="mutate",kind="Namespace",operation="CREATE",verdict="patched"}'), 1)
  t.equal(sample(body, 'netguard_admission_reviews_total{webhook="validate",kind="other",operation="other",verdict="error"}'), 1)
  t.equal(sample(body, 'netguard_violations_total{rule="SVC-NODEPORT",action="deny"}'), 2)
  t.equal(sample(body, 'netguard_mutations_total{rule="NS-ISOLATION",action="mutate"}'), 1)
  t.equal(sample(body, 'netguard_admission_review_duration_seconds_count{webhook="validate"}'), 3, 'an unreadable request has no duration')
  t.equal(sample(body, 'netguard_admission_review_duration_seconds_count{webhook="mutate"}'), 1)
  t.equal(sample(body, 'netguard_policy_reload_failed'), 0)
  t.notMatch(body, /namespace="|name="/, 'no namespace or name label')
})

t.test('without metrics there is no /metrics route', async (t) => {
  const app = buildApp({ policies: fixedPolicies(policyWith()), logger: capturedLogger().logger })
  t.teardown(() => app.close())
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404)
})
