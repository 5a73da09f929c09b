// Backend: the loopback double (test/helpers/fake-apiserver.ts): cluster state is seeded directly and
// watch events come on demand, so cache-dependent verdicts are checked deterministically; the real API
// server calling the server is test/e2e/.
import t from 'tap'
import { buildConfig } from '../src/config.ts'
import { NAMESPACES, NETWORK_POLICIES, ROUTES } from '../src/kube/resources.ts'
import type { KubeObject } from '../src/kube/types.ts'
import { startServer } from '../src/server.ts'
import { FakeApiServer } from './helpers/fake-apiserver.ts'
import { FAST_TUNING, isolatedNamespace } from './helpers/cluster.ts'
import { httpsRequest } from './helpers/https.ts'
import { sample } from './helpers/metrics.ts'
import { capturedLogger, reviewOf } from './helpers/review.ts'
import { testCertificates } from './helpers/tls.ts'
import { until } from './helpers/wait.ts'

// `netguard serve` in a cluster: the webhook's cluster-aware rules read the informer caches,
// and the reconciler keeps default isolation, both behind the one server.

const route = (namespace: string): KubeObject => ({
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: { name: 'store', namespace },
  spec: { host: 'store.apps.example.com', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' } }
})

t.test('with a kubeconfig, serve has caches for the rules and a reconciler', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  for (const name of ['netguard', 'shop', 'web']) fake.put(NAMESPACES, isolatedNamespace(name))
  fake.put(ROUTES, route('web'))
  const certs = await testCertificates()
  const config = buildConfig({ port: '0', host: '127.0.0.1', cert: certs.certFile, key: certs.keyFile, kubeconfig: fake.writeKubeconfig(t.testdir()) }, {})
  const log = capturedLogger()
  const server = await startServer(config, log.logger, { clusterTuning: FAST_TUNING })
  t.teardown(() => server.close())

  await until('the caches', () => Object.values(server.cluster.cacheStates()).every((state) => state === 'synced'))
  const reply = await httpsRequest(server.port, '/validate', { ca: certs.caPem, body: reviewOf(route('shop')) })
  const { response } = JSON.parse(reply.body) as { response: { allowed: boolean, status?: { message: string } } }
  t.equal(response.allowed, false)
  t.match(response.status?.message, /^\[ROUTE-HOST-OWNERSHIP\] spec\.host store\.apps\.example\.com: the host is already claimed by a Route in another namespace/)

  await until('default isolation in shop and web', () => fake.list(NETWORK_POLICIES, 'shop').length === 4 && fake.list(NETWORK_POLICIES, 'web').length === 4)
  t.same(fake.list(NETWORK_POLICIES, 'netguard'), [], "netguard's own namespace is exempt")
  t.equal(server.cluster.isLeader(), true)
  await until('the counters', () => server.cluster.counters?.repairs === 8)
})

t.test('without a cluster, serve runs as before and says so once', async (t) => {
  const certs = await testCertificates()
  const config = buildConfig({ port: '0', host: '127.0.0.1', cert: certs.certFile, key: certs.keyFile }, {})
  const log = capturedLogger()
  const server = await startServer(config, log.logger)
  t.teardown(() => server.close())
  t.equal(server.cluster.view, undefined)
  t.equal(log.records().filter((record) => String(record.msg).startsWith('no cluster configuration')).length, 1)
  const reply = await httpsRequest(server.port, '/validate', { ca: certs.caPem, body: reviewOf(route('shop')) })
  const { response } = JSON.parse(reply.body) as { response: { allowed: boolean, warnings?: string[] } }
  t.match(response, { allowed: true, warnings: [/ROUTE-HOST-OWNERSHIP.*not known \(no cluster state was given\)/] }, 'rules that need cluster state say they could not check, and that waiting would not help')
})

t.test('the metrics port shows each cache unsynced while the API server is down, with the failure\'s time, then synced', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const kubeconfig = fake.writeKubeconfig(t.testdir())
  await fake.stop()
  const certs = await testCertificates()
  const config = buildConfig({ port: '0', host: '127.0.0.1', 'metrics-port': '0', 'metrics-host': '127.0.0.1', cert: certs.certFile, key: certs.keyFile, kubeconfig }, {})
  const server = await startServer(config, capturedLogger().logger, { clusterTuning: FAST_TUNING })
  t.teardown(() => server.close())
  const scrape = async (): Promise<string> => await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text()

  await until('a failed list', () => server.cluster.cacheHealth().Namespace?.lastErrorAt !== undefined)
  let body = await scrape()
  t.equal(sample(body, 'netguard_cache_synced{kind="Namespace"}'), 0)
  const failedAt = sample(body, 'netguard_cache_last_sync_error_timestamp_seconds{kind="Namespace"}') ?? 0
  t.ok(Math.abs(failedAt * 1000 - Date.now()) < 60_000, `the failure's time (${failedAt})`)

  await fake.restart()
  await until('the caches', () => Object.values(server.cluster.cacheStates()).every((state) => state !== 'unknown'))
  body = await scrape()
  t.equal(sample(body, 'netguard_cache_synced{kind="Namespace"}'), 1)
  t.equal(sample(body, 'netguard_cache_synced{kind="Route.route.openshift.io"}'), 1)
})
