import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/admission/app.ts'
import { PolicyStore } from '../../src/policy/store.ts'
import type { CertificateStatus } from '../../src/tls/key-pair.ts'
import { capturedLogger, exampleReview, fixedPolicies } from '../helpers/review.ts'
import { policyWith } from '../helpers/policy.ts'

const POLICIES = new URL('../../policies/', import.meta.url)
const bundledPolicies = Object.fromEntries(readdirSync(POLICIES).filter((f) => f.endsWith('.yaml')).map((f) => [f, readFileSync(new URL(f, POLICIES), 'utf8')]))
const certificate: CertificateStatus = { source: 'dev', notAfter: new Date('2027-01-01T00:00:00Z'), loadedAt: new Date('2026-01-01T00:00:00Z'), lastError: undefined }

t.test('/healthz is always 200; /readyz waits for the certificate', async (t) => {
  const state: { loaded?: CertificateStatus } = {}
  const app = buildApp({ policies: fixedPolicies(policyWith()), logger: capturedLogger().logger, certificate: () => state.loaded })
  t.teardown(() => app.close())
  t.equal((await app.inject('/healthz')).statusCode, 200)
  const before = await app.inject('/readyz')
  t.equal(before.statusCode, 503)
  t.match(before.json(), { status: 'not ready', certificate: null })
  state.loaded = certificate
  const after = await app.inject('/readyz')
  t.equal(after.statusCode, 200)
  t.match(after.json(), {
    status: 'ready',
    mode: 'enforce',
    modeOverridden: false,
    policy: { sources: ['test-policy.yaml'], lastError: null },
    certificate: { source: 'dev', notAfter: '2027-01-01T00:00:00.000Z', lastError: null }
  })
})

t.test('/readyz reports the mode in force and whether a flag set it', async (t) => {
  const app = buildApp({ policies: fixedPolicies(policyWith('mode: enforce')), mode: 'audit', logger: capturedLogger().logger, certificate: () => certificate })
  t.teardown(() => app.close())
  t.match((await app.inject('/readyz')).json(), { mode: 'audit', modeOverridden: true })
})

t.test('a bad policy reload keeps the last good policy in force and stays ready; a fix takes effect', async (t) => {
  const dir = t.testdir(bundledPolicies)
  const log = capturedLogger()
  const policies = await PolicyStore.open(dir, log.logger)
  t.teardown(() => policies.close())
  const app = buildApp({ policies, logger: log.logger, certificate: () => certificate })
  t.teardown(() => app.close())
  const verdict = async (): Promise<boolean> => {
    const reply = await app.inject({ method: 'POST', url: '/validate', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(exampleReview('service-nodeport-denied')) })
    return (reply.json() as { response: { allowed: boolean } }).response.allowed
  }
  t.equal(await verdict(), false)

  const services = join(dir, 'services.yaml')
  writeFileSync(services, bundledPolicies['services.yaml']!.replace('allowedNamespaces: []', 'allowedNamespaces: nope'))
  t.equal(await policies.reload(), false)
  const degraded = await app.inject('/readyz')
  t.equal(degraded.statusCode, 200, 'still ready: every replica sees the same files')
  t.match(degraded.json(), { status: 'ready', policy: { lastError: /services\.yaml:\d+: spec\.rules\.SVC-NODEPORT\.allowedNamespaces/, failedReloads: 1 } })
  t.equal(await verdict(), false, 'the last good policy still denies')
  t.ok(log.records().some((record) => record.level === 50 && /policy reload failed/.test(String(record.msg))), 'the failure is logged')

  writeFileSync(services, bundledPolicies['services.yaml']!.replace('allowedNamespaces: []', 'allowedNamespaces: ["shop"]'))
  t.equal(await policies.reload(), true)
  t.match((await app.inject('/readyz')).json(), { policy: { lastError: null, reloads: 1 } })
  t.equal(await verdict(), true, 'the new policy allows NodePort in shop')
})
