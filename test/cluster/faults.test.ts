import t from 'tap'
import { Informer, type CacheEvent } from '../../src/cluster/informer.ts'
import { buildConfig } from '../../src/config.ts'
import { openKubePort } from '../../src/kube/port.ts'
import { LEASES, NAMESPACES, NETWORK_POLICIES, ROUTES } from '../../src/kube/resources.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { startServer } from '../../src/server.ts'
import { FAST_TUNING, isolatedNamespace, seedOwnNamespace, startReplica } from '../helpers/cluster.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import { httpsRequest } from '../helpers/https.ts'
import { captureLog } from '../helpers/log.ts'
import { capturedLogger, reviewOf } from '../helpers/review.ts'
import type { TestContext } from '../helpers/tap.ts'
import { testCertificates } from '../helpers/tls.ts'
import { until } from '../helpers/wait.ts'

// How netguard rides out an API server that misbehaves: each fault against the API-server double,
// with what the API server and a user would see.

async function fakeCluster (t: TestContext): Promise<FakeApiServer> {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  return fake
}

/** A Namespace informer on the fake, with every event it reports. */
async function namespaceInformer (t: TestContext, fake: FakeApiServer, pageSize = 5): Promise<{ informer: Informer, events: CacheEvent[], logs: ReturnType<typeof captureLog> }> {
  const logs = captureLog()
  const port = await openKubePort({ type: 'kubeconfig', files: [fake.writeKubeconfig(t.testdir())] })
  const informer = new Informer(port, NAMESPACES, { log: logs.log, pageSize, retry: { initialMs: 5, maxMs: 20 } })
  const events: CacheEvent[] = []
  informer.onEvent((event) => events.push(event))
  t.teardown(() => informer.stop())
  informer.start()
  return { informer, events, logs }
}

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, labels } })
const eventKeys = (events: readonly CacheEvent[]): string[] => events.map((event) => `${event.type} ${event.object.metadata?.name ?? ''}`)
const lists = (fake: FakeApiServer): number => fake.requests.filter((request) => request.path === '/api/v1/namespaces' && request.query.get('watch') !== 'true').length
const watches = (fake: FakeApiServer): number => fake.requests.filter((request) => request.query.get('watch') === 'true').length
/** Name → resourceVersion of what the cache holds, and of what the API server holds. */
const versions = (objects: readonly KubeObject[] | undefined): Record<string, string | undefined> =>
  Object.fromEntries((objects ?? []).map((object) => [object.metadata?.name ?? '', object.metadata?.resourceVersion]))

const ROUTE: KubeObject = {
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: { name: 'store', namespace: 'web' },
  spec: { host: 'store.apps.example.com', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge' } }
}

t.test('API server unreachable at start: the webhook serves at once; rules that need cluster state say they could not check', async (t) => {
  const fake = await fakeCluster(t)
  for (const name of ['netguard', 'web', 'shop']) fake.put(NAMESPACES, ns(name))
  fake.put(ROUTES, ROUTE)
  await fake.stop()
  const certs = await testCertificates()
  const config = buildConfig({ port: '0', host: '127.0.0.1', cert: certs.certFile, key: certs.keyFile, kubeconfig: fake.writeKubeconfig(t.testdir()) }, {})
  // The server loads the client library when a cluster is configured (1-2 s under tap's loader on
  // a busy machine): that is not waiting for the cluster, so it is loaded before the clock starts.
  await import('../../src/kube/client-node.ts')
  const started = performance.now()
  const server = await startServer(config, capturedLogger().logger, { clusterTuning: FAST_TUNING })
  t.teardown(() => server.close())
  const claim = reviewOf({ ...ROUTE, metadata: { name: 'store', namespace: 'shop' } })
  const first = JSON.parse((await httpsRequest(server.port, '/validate', { ca: certs.caPem, body: claim })).body) as { response: { allowed: boolean, warnings?: string[] } }
  t.ok(performance.now() - started < 2000, 'answered without waiting for the cluster')
  t.match(first.response, { allowed: true, warnings: [/^\[ROUTE-HOST-OWNERSHIP\] existing Route objects are not known yet, so this could not be checked/] },
    'whenUnknown: warn (the default) allows and says the check was not made')
  t.ok(Object.values(server.cluster.cacheStates()).every((state) => state === 'unknown'))

  await fake.restart()
  await until('the caches', () => Object.values(server.cluster.cacheStates()).every((state) => state === 'synced'))
  const second = JSON.parse((await httpsRequest(server.port, '/validate', { ca: certs.caPem, body: claim })).body) as { response: { allowed: boolean, status?: { message: string } } }
  t.equal(second.response.allowed, false, 'once the API server answers, the same review is judged on the cluster')
  t.match(second.response.status?.message, /ROUTE-HOST-OWNERSHIP\] spec\.host store\.apps\.example\.com: the host is already claimed by a Route in another namespace/)
})

t.test('a watch cut mid-stream resumes from the last resourceVersion: nothing lost, nothing twice, no relist', async (t) => {
  const fake = await fakeCluster(t)
  for (let index = 0; index < 20; index++) fake.put(NAMESPACES, ns(`ns-${index}`))
  const { informer, events } = await namespaceInformer(t, fake)
  await informer.synced()
  await until('the watch', () => fake.watchCount === 1)
  const listed = lists(fake)
  const expected: string[] = eventKeys(events)
  for (let round = 0; round < 3; round++) {
    for (let index = 0; index < 3; index++) fake.put(NAMESPACES, ns(`ns-${index}`, { round: String(round) }))
    fake.put(NAMESPACES, ns(`new-${round}`))
    expected.push(...[0, 1, 2].map((index) => `MODIFIED ns-${index}`), `ADDED new-${round}`)
    await until(`round ${round} seen`, () => events.length === expected.length)
    t.equal(fake.dropWatches(), 1, 'the stream is cut')
    // Changes made while no watch is open come with the resumed one.
    fake.remove(NAMESPACES, `ns-${10 + round}`)
    fake.put(NAMESPACES, ns(`ns-${5 + round}`, { changed: 'offline' }))
    expected.push(`DELETED ns-${10 + round}`, `MODIFIED ns-${5 + round}`)
    await until(`round ${round} resumed`, () => events.length === expected.length && fake.watchCount === 1)
  }
  t.same(eventKeys(events), expected, 'every change once, in order')
  t.equal(lists(fake), listed, 'resumed from the resourceVersion: no relist')
  t.ok(watches(fake) >= 4, 'a new watch after each cut')
  t.same(versions(informer.list()), versions(fake.list(NAMESPACES)), 'the cache is the API server\'s state')
})

t.test('410 Gone relists without losing or duplicating objects, also when the relist itself gets 410 mid-way', async (t) => {
  const fake = await fakeCluster(t)
  for (let index = 0; index < 40; index++) fake.put(NAMESPACES, ns(`ns-${String(index).padStart(2, '0')}`))
  const { informer, events, logs } = await namespaceInformer(t, fake, 7)
  await informer.synced()
  await until('the watch', () => fake.watchCount === 1)
  const before = events.length
  await fake.stop()
  for (let index = 0; index < 5; index++) fake.remove(NAMESPACES, `ns-0${index}`)
  for (let index = 10; index < 15; index++) fake.put(NAMESPACES, ns(`ns-${index}`, { team: 'blue' }))
  for (let index = 0; index < 5; index++) fake.put(NAMESPACES, ns(`added-${index}`))
  fake.put(NAMESPACES, ns('added-0', { twice: 'yes' }))
  fake.compact()
  fake.failNext({ method: 'GET', path: /namespaces$/, query: 'continue' }, 410)
  await fake.restart()
  await until('the relist', () => fake.watchCount === 1 && events.length >= before + 15)
  const changed = eventKeys(events.slice(before)).sort()
  t.same(changed, [
    ...[0, 1, 2, 3, 4].map((index) => `ADDED added-${index}`),
    ...[0, 1, 2, 3, 4].map((index) => `DELETED ns-0${index}`),
    ...[10, 11, 12, 13, 14].map((index) => `MODIFIED ns-${index}`)
  ], 'each change once; the 25 unchanged namespaces are not reported again')
  t.ok(logs.lines.some((line) => line.msg === 'watch history expired (410 Gone); relisting'))
  t.ok(fake.requests.some((request) => request.status === 410 && request.query.has('continue')), 'the relist was cut by an expired continue token and started over')
  t.same(versions(informer.list()), versions(fake.list(NAMESPACES)), 'the cache is the API server\'s state')
  t.equal(informer.list()?.length, 40)
})

t.test('429 with Retry-After: the list is tried again when the API server said, not sooner', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, ns('shop'))
  fake.failNext({ method: 'GET', path: /namespaces$/ }, 429, 1, { retryAfterSeconds: 1 })
  const { informer, logs } = await namespaceInformer(t, fake)
  await informer.synced()
  const [refused, accepted] = fake.requests.filter((request) => request.path === '/api/v1/namespaces')
  t.equal(refused?.status, 429)
  t.equal(accepted?.status, 200)
  t.ok((accepted?.at ?? 0) - (refused?.at ?? 0) >= 990, 'one second later, as Retry-After: 1 asked (the informer\'s own backoff here is 5 ms)')
  t.notOk(logs.lines.some((line) => line.msg === 'list failed; retrying'), 'not a failure: the server asked to wait')
  t.same(informer.list()?.map((object) => object.metadata?.name), ['shop'])
})

t.test('Lease lost mid-reconcile: the replica stops writing within the lease duration, the other takes over, no object written twice', async (t) => {
  const fake = await fakeCluster(t)
  seedOwnNamespace(fake)
  const namespaces = Array.from({ length: 12 }, (_, index) => `tenant-${index}`)
  for (const name of namespaces) fake.put(NAMESPACES, isolatedNamespace(name))
  // Slow writes, so that the leader is mid-way through its work when it loses the Lease.
  const writeLimit = { qps: 40, burst: 1 }
  const a = await startReplica(t, fake, { identity: 'replica-a', writeLimit })
  await until('a leads', () => a.services.isLeader())
  const b = await startReplica(t, fake, { identity: 'replica-b', writeLimit })
  const policyWrites = () => fake.writes(NETWORK_POLICIES)
  await until('a is mid-way', () => policyWrites().length >= 8)
  // A can no longer renew (the API server refuses its Lease updates); B sees the record go stale.
  fake.failNext({ method: 'PUT', path: /leases/, user: 'replica-a' }, 500, 1_000_000)
  const lostAt = performance.now()
  await until('b takes over', () => b.services.isLeader(), 5000)
  await until('every namespace isolated', () => namespaces.every((name) => fake.list(NETWORK_POLICIES, name).length === 4), 10_000)
  const byA = policyWrites().filter((write) => write.user === 'replica-a')
  const byB = policyWrites().filter((write) => write.user === 'replica-b')
  const leaseDurationMs = FAST_TUNING?.leader?.leaseDurationMs ?? 0
  t.ok(byA.length >= 8 && byB.length > 0, `both wrote: a ${byA.length}, b ${byB.length}`)
  t.equal(a.services.isLeader(), false)
  t.ok(Math.max(...byA.map((write) => write.at)) <= lostAt + leaseDurationMs, 'a\'s last write came within the lease duration of losing the Lease')
  t.ok(Math.max(...byA.map((write) => write.at)) < Math.min(...byB.map((write) => write.at)), 'a stopped before b started: never two writers')
  t.same([...new Set(policyWrites().map((write) => `${write.method} ${write.status}`))], ['POST 201'], 'only creates, none refused with 409')
  t.equal(policyWrites().length, namespaces.length * 4, 'each NetworkPolicy written once')
  t.match(fake.get(LEASES, 'netguard-reconciler', 'netguard'), { spec: { holderIdentity: 'replica-b', leaseTransitions: 1 } })
})

t.test('a NetworkPolicy write refused with 409 is retried at once with the object as the API server has it', async (t) => {
  const fake = await fakeCluster(t)
  seedOwnNamespace(fake)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const { services, logs } = await startReplica(t, fake)
  await until('the defaults', () => fake.list(NETWORK_POLICIES, 'shop').length === 4)
  const deny = fake.get(NETWORK_POLICIES, 'netguard-deny-by-default', 'shop') as KubeObject
  // Another client writes the policy just before netguard's repair lands: a genuine 409.
  let concurrent: KubeObject | undefined
  fake.beforeNext({ method: 'PUT', path: /networkpolicies\/netguard-deny-by-default$/ }, () => {
    const current = fake.get(NETWORK_POLICIES, 'netguard-deny-by-default', 'shop') as KubeObject
    concurrent = fake.put(NETWORK_POLICIES, { ...current, metadata: { ...current.metadata, annotations: { 'reviewed-by': 'security' } } })
  })
  fake.put(NETWORK_POLICIES, { ...deny, metadata: { ...deny.metadata, labels: { ...deny.metadata?.labels, team: 'shop' } }, spec: { podSelector: { matchLabels: { app: 'x' } } } })
  await until('restored', () => JSON.stringify(fake.get(NETWORK_POLICIES, 'netguard-deny-by-default', 'shop')?.spec) === JSON.stringify(deny.spec))
  const puts = fake.writes(NETWORK_POLICIES).filter((write) => write.method === 'PUT')
  t.same(puts.map((write) => write.status), [409, 200], 'refused once, then accepted')
  t.equal((puts[1]?.body as KubeObject).metadata?.resourceVersion, concurrent?.metadata?.resourceVersion, 'the retry carries the fresh resourceVersion')
  t.match(fake.get(NETWORK_POLICIES, 'netguard-deny-by-default', 'shop'), {
    metadata: { annotations: { 'reviewed-by': 'security' }, labels: { team: 'shop', 'app.kubernetes.io/managed-by': 'netguard' } }
  }, 'what the other writers set is kept')
  t.ok(logs.lines.some((line) => line.msg === 'write conflict; trying again with the object as the API server has it'))
  t.equal(services.counters?.errors, 0)
})
