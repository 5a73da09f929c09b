// Backend: the loopback double (test/helpers/fake-apiserver.ts): 410 Gone, 429, dropped watches and
// compaction are injected at will, which a real API server does not offer.
import t from 'tap'
import { ClusterCaches } from '../../src/cluster/caches.ts'
import { Informer, type CacheEvent } from '../../src/cluster/informer.ts'
import { openKubePort, type KubePort } from '../../src/kube/port.ts'
import { INGRESSES, NAMESPACES, NETWORK_POLICIES, ROUTES, type ResourceType } from '../../src/kube/resources.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import { captureLog } from '../helpers/log.ts'
import type { TestContext } from '../helpers/tap.ts'
import { until } from '../helpers/wait.ts'

const FAST = { retry: { initialMs: 5, maxMs: 20 }, pageSize: 2 }

async function setup (t: TestContext, resources?: readonly ResourceType[]): Promise<{ fake: FakeApiServer, port: KubePort, logs: ReturnType<typeof captureLog> }> {
  const fake = await FakeApiServer.start({ resources })
  t.teardown(() => fake.close())
  return { fake, port: await openKubePort({ type: 'kubeconfig', files: [fake.writeKubeconfig(t.testdir())] }), logs: captureLog() }
}

function informer (t: TestContext, port: KubePort, resource: ResourceType, logs: ReturnType<typeof captureLog>): { informer: Informer, events: CacheEvent[] } {
  const created = new Informer(port, resource, { ...FAST, log: logs.log })
  const events: CacheEvent[] = []
  created.onEvent((event) => events.push(event))
  t.teardown(() => created.stop())
  created.start()
  return { informer: created, events }
}

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } })
const names = (objects: readonly KubeObject[] | undefined) => objects?.map((object) => object.metadata?.name)
const lists = (fake: FakeApiServer) => fake.requests.filter((request) => request.method === 'GET' && request.query.get('watch') !== 'true').length

t.test('a paged list fills the cache; the kind is unknown until then', async (t) => {
  const { fake, port, logs } = await setup(t)
  for (const name of ['a', 'b', 'c', 'd', 'e']) fake.put(NAMESPACES, ns(name))
  const caches = new ClusterCaches(port, { ...FAST, log: logs.log }, [NAMESPACES])
  t.equal(caches.list(NAMESPACES), undefined, 'unknown before the first list')
  t.equal(caches.list(ROUTES), undefined, 'a kind without a cache is unknown')
  caches.start()
  t.teardown(() => caches.stop())
  await caches.synced()
  t.same(names(caches.list(NAMESPACES)), ['a', 'b', 'c', 'd', 'e'])
  t.same(names(caches.list(NAMESPACES, 'c')), ['c'], "a Namespace's namespace is itself")
  t.equal(lists(fake), 3, 'three pages of two')
  t.same(caches.states(), { Namespace: 'synced' })
  t.same(caches.health(), { Namespace: { state: 'synced', lastErrorAt: undefined } }, 'no list or watch failed')
  t.notOk('managedFields' in (caches.list(NAMESPACES)?.[0]?.metadata ?? {}), 'managedFields are not cached')
})

t.test('watch events keep the cache current and reach listeners', async (t) => {
  const { fake, port, logs } = await setup(t)
  fake.put(NAMESPACES, ns('shop'))
  fake.put(NETWORK_POLICIES, { metadata: { name: 'a', namespace: 'shop' }, spec: { podSelector: {} } })
  const { informer: policies, events } = informer(t, port, NETWORK_POLICIES, logs)
  await policies.synced()
  t.same(events.map((event) => [event.type, event.object.metadata?.name]), [['ADDED', 'a']])
  t.equal(policies.list('shop')?.[0]?.kind, 'NetworkPolicy', 'list items get their kind back')
  await until('the watch', () => fake.watchCount === 1)
  fake.put(NETWORK_POLICIES, { metadata: { name: 'b', namespace: 'shop' }, spec: { podSelector: {} } })
  fake.put(NETWORK_POLICIES, { metadata: { name: 'a', namespace: 'shop' }, spec: { podSelector: { matchLabels: { x: 'y' } } } })
  fake.remove(NETWORK_POLICIES, 'b', 'shop')
  await until('three events', () => events.length === 4)
  t.same(events.slice(1).map((event) => [event.type, event.object.metadata?.name]), [['ADDED', 'b'], ['MODIFIED', 'a'], ['DELETED', 'b']])
  t.same(names(policies.list()), ['a'])
  t.match(policies.get('a', 'shop'), { spec: { podSelector: { matchLabels: { x: 'y' } } } })
  t.same(policies.list('other'), [])
})

t.test("a change replaces its namespace's list only; a relist keeps the objects it finds unchanged", async (t) => {
  const { fake, port, logs } = await setup(t)
  const policy = (name: string, namespace: string, app = 'web'): KubeObject => ({ metadata: { name, namespace }, spec: { podSelector: { matchLabels: { app } } } })
  for (const name of ['c', 'a', 'b']) fake.put(NETWORK_POLICIES, policy(name, 'shop'))
  fake.put(NETWORK_POLICIES, policy('x', 'bank'))
  const { informer: policies, events } = informer(t, port, NETWORK_POLICIES, logs)
  await policies.synced()
  const shop = policies.list('shop')
  const bank = policies.list('bank')
  t.same(names(shop), ['a', 'b', 'c'], 'sorted by name')
  t.ok(Object.isFrozen(shop), 'a list handed out cannot be changed')
  await until('the watch', () => fake.watchCount === 1)
  fake.put(NETWORK_POLICIES, policy('aa', 'shop'))
  await until('the event', () => events.length === 5)
  t.same(names(shop), ['a', 'b', 'c'], 'a list handed out stays as it was')
  t.same(names(policies.list('shop')), ['a', 'aa', 'b', 'c'])
  t.equal(policies.list('bank'), bank, 'the other namespace keeps its array')
  t.same(policies.list()?.map((object) => `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`), ['bank/x', 'shop/a', 'shop/aa', 'shop/b', 'shop/c'])
  t.equal(policies.get('aa', 'shop')?.metadata?.name, 'aa')
  t.equal(policies.get('ab', 'shop'), undefined)
  const cachedA = policies.get('a', 'shop')
  await fake.stop()
  fake.put(NETWORK_POLICIES, policy('b', 'shop', 'api'))
  fake.remove(NETWORK_POLICIES, 'c', 'shop')
  fake.remove(NETWORK_POLICIES, 'x', 'bank')
  fake.compact()
  await fake.restart()
  await until('the relist', () => events.length === 8)
  t.same(events.slice(5).map((event) => [event.type, event.object.metadata?.namespace, event.object.metadata?.name]), [['DELETED', 'bank', 'x'], ['DELETED', 'shop', 'c'], ['MODIFIED', 'shop', 'b']])
  t.equal(policies.get('a', 'shop'), cachedA, 'an unchanged object stays the cached one')
  t.same(names(policies.list('shop')), ['a', 'aa', 'b'])
  t.same(policies.list('bank'), [], 'a namespace emptied by the relist')
})

t.test('410 Gone relists and reports what changed while the history was lost', async (t) => {
  const { fake, port, logs } = await setup(t)
  fake.put(NAMESPACES, ns('stays'))
  fake.put(NAMESPACES, ns('goes'))
  const { informer: namespaces, events } = informer(t, port, NAMESPACES, logs)
  await namespaces.synced()
  await until('the watch', () => fake.watchCount === 1)
  await fake.stop()
  fake.remove(NAMESPACES, 'goes')
  fake.put(NAMESPACES, ns('new'))
  fake.compact()
  await fake.restart()
  await until('the relist', () => events.length === 4)
  t.same(events.slice(2).map((event) => [event.type, event.object.metadata?.name]), [['DELETED', 'goes'], ['ADDED', 'new']])
  t.same(names(namespaces.list()), ['new', 'stays'], 'sorted by name')
  t.ok(logs.lines.some((line) => line.msg === 'watch history expired (410 Gone); relisting'))
})

t.test('a BOOKMARK moves the resourceVersion on, so a resume after compaction needs no relist', async (t) => {
  const { fake, port, logs } = await setup(t)
  fake.put(NAMESPACES, ns('shop'))
  const { informer: namespaces } = informer(t, port, NAMESPACES, logs)
  await namespaces.synced()
  await until('the watch', () => fake.watchCount === 1)
  for (const name of ['a', 'b', 'c']) fake.put(INGRESSES, { metadata: { name, namespace: 'shop' } })
  fake.bookmark()
  await new Promise((resolve) => setTimeout(resolve, 50))
  fake.compact()
  const before = lists(fake)
  await fake.stop()
  await fake.restart()
  await until('the watch to resume', () => fake.watchCount === 1)
  t.equal(lists(fake), before, 'no relist')
  t.equal(fake.requests.at(-1)?.query.get('resourceVersion'), '1004')
})

t.test('a kind the cluster does not serve is known and empty, logged once, and does not block others', async (t) => {
  const { fake, port, logs } = await setup(t, [NAMESPACES])
  fake.put(NAMESPACES, ns('shop'))
  const caches = new ClusterCaches(port, { ...FAST, log: logs.log, notServedRetryMs: 10 }, [NAMESPACES, ROUTES])
  caches.start()
  t.teardown(() => caches.stop())
  await caches.synced()
  t.same(caches.list(ROUTES), [])
  t.same(names(caches.list(NAMESPACES)), ['shop'])
  t.same(caches.states(), { Namespace: 'synced', 'Route.route.openshift.io': 'not-served' })
  await until('a second look', () => fake.requests.filter((request) => request.path.includes('/routes')).length >= 3)
  t.equal(logs.lines.filter((line) => line.msg === 'this cluster does not serve the kind; treating it as absent').length, 1)
})

t.test('a continue token that expired mid-list starts the list over', async (t) => {
  const { fake, port, logs } = await setup(t)
  for (const name of ['a', 'b', 'c']) fake.put(NAMESPACES, ns(name))
  fake.failNext({ method: 'GET', path: /namespaces$/, query: 'continue' }, 410)
  const { informer: namespaces } = informer(t, port, NAMESPACES, logs)
  await namespaces.synced()
  t.same(names(namespaces.list()), ['a', 'b', 'c'])
  t.equal(lists(fake), 4, 'two pages, the second refused, then two pages again')
})

t.test('an API server that is down at start: unknown, then synced once it answers', async (t) => {
  const { fake, port, logs } = await setup(t)
  fake.put(NAMESPACES, ns('shop'))
  await fake.stop()
  const { informer: namespaces } = informer(t, port, NAMESPACES, logs)
  const started = Date.now()
  await until('a failed attempt', () => logs.lines.some((line) => line.msg === 'list failed; retrying'))
  t.equal(namespaces.list(), undefined)
  t.equal(namespaces.state, 'unknown')
  const failedAt = namespaces.lastErrorAt
  t.ok(failedAt !== undefined && failedAt.getTime() >= started && failedAt.getTime() <= Date.now(), 'the failure is timed')
  await fake.restart()
  await namespaces.synced()
  t.same(names(namespaces.list()), ['shop'])
  t.ok(namespaces.lastErrorAt !== undefined && namespaces.lastErrorAt >= failedAt!, 'the last failure stays known after the sync')
})

t.test('the caches keep only what readers need: Route TLS keys and certificates never reach memory', async (t) => {
  const { fake, port, logs } = await setup(t)
  fake.put(ROUTES, { metadata: { name: 'r', namespace: 'shop', annotations: { note: 'x' } }, spec: { host: 'a.example.com', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge', key: 'KEY', certificate: 'CERT' } } })
  fake.put(ROUTES, { metadata: { name: 'plain', namespace: 'shop' }, spec: { host: 'b.example.com', path: '/api' }, status: { ingress: [] } })
  const caches = new ClusterCaches(port, { ...FAST, log: logs.log }, [ROUTES])
  caches.start()
  t.teardown(() => caches.stop())
  await caches.synced()
  t.same(caches.list(ROUTES, 'shop')?.map((route) => route.spec), [{ host: 'b.example.com', path: '/api' }, { host: 'a.example.com' }])
  t.same(Object.keys(caches.list(ROUTES, 'shop')?.[0] ?? {}), ['apiVersion', 'kind', 'metadata', 'spec'], 'no status')
  t.same(Object.keys(caches.list(ROUTES, 'shop')?.[1]?.metadata ?? {}), ['name', 'namespace', 'resourceVersion'], 'no uid, annotations, managedFields')
  t.notMatch(JSON.stringify(caches.list(ROUTES)), /KEY|CERT/)
  t.throws(() => caches.informer(NETWORK_POLICIES), /NetworkPolicy is not cached/)
})
