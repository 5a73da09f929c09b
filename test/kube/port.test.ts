// Backend: the loopback double (test/helpers/fake-apiserver.ts): the port's handling of 404, 409, 410,
// watch streams that end or drop, and bookmarks needs those answers on demand.
import t from 'tap'
import { findClusterConfig } from '../../src/kube/cluster-config.ts'
import { isKubeError, openKubePort, type KubePort, type WatchEvent } from '../../src/kube/port.ts'
import { NAMESPACES, NETWORK_POLICIES, ROUTES, type ResourceType } from '../../src/kube/resources.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import type { TestContext } from '../helpers/tap.ts'

async function setup (t: TestContext, resources?: readonly ResourceType[]): Promise<{ fake: FakeApiServer, port: KubePort }> {
  const fake = await FakeApiServer.start({ resources })
  t.teardown(() => fake.close())
  return { fake, port: await openKubePort({ type: 'kubeconfig', files: [fake.writeKubeconfig(t.testdir())] }) }
}

const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })

t.test('list pages with continue tokens and fills in apiVersion and kind', async (t) => {
  const { fake, port } = await setup(t)
  for (const name of ['a', 'b', 'c']) fake.put(NAMESPACES, namespace(name))
  const first = await port.list(NAMESPACES, { limit: 2 })
  t.same(first.items.map((item) => [item.apiVersion, item.kind, item.metadata?.name]), [['v1', 'Namespace', 'a'], ['v1', 'Namespace', 'b']])
  t.type(first.continue, 'string')
  t.equal(first.resourceVersion, '1003')
  const second = await port.list(NAMESPACES, { limit: 2, continue: first.continue })
  t.same(second.items.map((item) => item.metadata?.name), ['c'])
  t.equal(second.continue, undefined)
  t.equal(fake.requests[1]?.query.get('limit'), '2')
  t.equal(fake.requests[1]?.user, 'netguard', 'the bearer token of the kubeconfig is sent')
})

t.test('a page of many chunks is decoded whole: characters split between chunks come out intact', async (t) => {
  const { fake, port } = await setup(t)
  // ~600 KB of two-, three- and four-byte UTF-8 characters: the body arrives in many chunks, and
  // some chunk ends inside a character.
  const description = 'ü€😀'.repeat(60_000)
  fake.put(NAMESPACES, { ...namespace('unicode'), metadata: { name: 'unicode', annotations: { description } } })
  const page = await port.list(NAMESPACES)
  t.equal(page.items[0]?.metadata?.annotations?.description, description)
})

t.test('a continue token from before a compaction is 410 Gone', async (t) => {
  const { fake, port } = await setup(t)
  for (const name of ['a', 'b']) fake.put(NAMESPACES, namespace(name))
  const first = await port.list(NAMESPACES, { limit: 1 })
  fake.put(NAMESPACES, namespace('c'))
  fake.compact()
  await t.rejects(port.list(NAMESPACES, { limit: 1, continue: first.continue }), { code: 'NG_ERR_KUBE_API', status: 410, reason: 'Expired' })
})

t.test('get, create, replace, delete with the API server answers', async (t) => {
  const { fake, port } = await setup(t)
  fake.put(NAMESPACES, namespace('shop'))
  t.equal(await port.get(NETWORK_POLICIES, 'deny', 'shop'), undefined, 'missing is undefined')
  const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {} } }
  const created = await port.create(NETWORK_POLICIES, policy)
  t.match(created, { metadata: { name: 'deny', namespace: 'shop', resourceVersion: /^\d+$/ }, spec: { policyTypes: ['Ingress'] } })
  await t.rejects(port.create(NETWORK_POLICIES, policy), { code: 'NG_ERR_KUBE_API', status: 409, reason: 'AlreadyExists' })
  const stale = { ...created, metadata: { ...created.metadata, resourceVersion: '1' } }
  await t.rejects(port.replace(NETWORK_POLICIES, stale), { code: 'NG_ERR_KUBE_API', status: 409, reason: 'Conflict' })
  const replaced = await port.replace(NETWORK_POLICIES, { ...created, spec: { podSelector: { matchLabels: { app: 'x' } } } })
  t.match(replaced, { spec: { podSelector: { matchLabels: { app: 'x' } } } })
  t.match(await port.get(NETWORK_POLICIES, 'deny', 'shop'), { metadata: { resourceVersion: replaced.metadata?.resourceVersion } })
  await port.delete(NETWORK_POLICIES, 'deny', 'shop')
  t.equal(fake.get(NETWORK_POLICIES, 'deny', 'shop'), undefined)
  await t.rejects(port.delete(NETWORK_POLICIES, 'deny', 'shop'), { code: 'NG_ERR_KUBE_API', status: 404, reason: 'NotFound' })
})

t.test('a kind the cluster does not serve is 404', async (t) => {
  const { port } = await setup(t, [NAMESPACES])
  const error = await port.list(ROUTES).catch((caught: unknown) => caught)
  t.ok(isKubeError(error, 404))
  t.notOk(isKubeError(error, 410))
  t.notOk(isKubeError(new Error('plain')))
})

t.test('watch streams ADDED, MODIFIED, DELETED and BOOKMARK, then ends', async (t) => {
  const { fake, port } = await setup(t)
  fake.put(NAMESPACES, namespace('old'))
  const { resourceVersion } = await port.list(NAMESPACES)
  const events: WatchEvent[] = []
  const done = new Promise<Error | undefined>((resolve) => {
    port.watch(NAMESPACES, { resourceVersion, timeoutSeconds: 1 }, (event) => {
      events.push(event)
      if (events.length === 4) fake.bookmark()
    }, resolve).catch(t.fail)
  })
  fake.put(NAMESPACES, namespace('shop'))
  fake.put(NAMESPACES, { ...namespace('shop'), metadata: { name: 'shop', labels: { a: 'b' } } })
  fake.remove(NAMESPACES, 'shop')
  fake.put(NAMESPACES, namespace('web'))
  t.equal(await done, undefined, 'a server-side timeout ends the watch without an error')
  t.same(events.map((event) => [event.type, event.object.metadata?.name]), [
    ['ADDED', 'shop'], ['MODIFIED', 'shop'], ['DELETED', 'shop'], ['ADDED', 'web'], ['BOOKMARK', undefined]
  ])
  t.equal(events[4]?.object.metadata?.resourceVersion, events[3]?.object.metadata?.resourceVersion)
  t.equal(fake.requests.at(-1)?.query.get('allowWatchBookmarks'), 'true')
})

t.test('watch from a compacted resourceVersion gets an ERROR 410 event; errors end it', async (t) => {
  const { fake, port } = await setup(t)
  fake.put(NAMESPACES, namespace('a'))
  fake.compact()
  const events: WatchEvent[] = []
  await new Promise((resolve) => { port.watch(NAMESPACES, { resourceVersion: '1000' }, (event) => events.push(event), resolve).catch(t.fail) })
  t.match(events, [{ type: 'ERROR', object: { kind: 'Status', code: 410 } }])
  fake.failNext({ method: 'GET' }, 403)
  const error = await new Promise((resolve) => { port.watch(NAMESPACES, { resourceVersion: '0' }, () => {}, resolve).catch(t.fail) })
  t.match(error, { code: 'NG_ERR_KUBE_API', status: 403 })
  const stopped = await port.watch(NAMESPACES, { resourceVersion: '0' }, () => {}, () => t.fail('no onDone after stop'))
  stopped.stop()
  await fake.stop()
  const unreachable = await new Promise((resolve) => { port.watch(NAMESPACES, { resourceVersion: '0' }, () => {}, resolve).catch(t.fail) })
  t.type(unreachable, Error, 'a server that is gone ends the watch with an error')
})

t.test('writes wait for the one token bucket of the port; reads do not', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  const port = await openKubePort({ type: 'kubeconfig', files: [fake.writeKubeconfig(t.testdir())] }, { writeLimit: { qps: 20, burst: 2 } })
  fake.put(NAMESPACES, namespace('shop'))
  await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map(async (name) => await port.create(NETWORK_POLICIES, { metadata: { name, namespace: 'shop' }, spec: { podSelector: {} } })))
  await Promise.all(Array.from({ length: 10 }, async () => await port.list(NAMESPACES)))
  const writes = fake.writes().map((write) => write.at)
  const spread = Math.max(...writes) - Math.min(...writes)
  t.equal(writes.length, 6)
  t.ok(spread >= 190, `2 at once, then one every 50 ms: the sixth 200 ms after the first (was ${Math.round(spread)} ms)`)
  const reads = fake.requests.filter((request) => request.method === 'GET').map((request) => request.at)
  t.ok(Math.max(...reads) - Math.min(...reads) < 150, 'ten lists at once are not held back')
})

t.test('a write whose signal aborts while it waits for its token is never sent', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  const port = await openKubePort({ type: 'kubeconfig', files: [fake.writeKubeconfig(t.testdir())] }, { writeLimit: { qps: 5, burst: 1 } })
  fake.put(NAMESPACES, namespace('shop'))
  const term = new AbortController()
  const policy = (name: string) => ({ metadata: { name, namespace: 'shop' }, spec: { podSelector: {} } })
  await port.create(NETWORK_POLICIES, policy('first'), { signal: term.signal })
  const waiting = port.create(NETWORK_POLICIES, policy('second'), { signal: term.signal })
  term.abort(new Error('no longer the leader'))
  await t.rejects(waiting, /no longer the leader/)
  await new Promise((resolve) => setTimeout(resolve, 250))
  t.same(fake.list(NETWORK_POLICIES).map((object) => object.metadata?.name), ['first'])
  t.equal(fake.writes().length, 1)
})

t.test('429 with Retry-After is retried after the delay the server asks for; without it, it is an error', async (t) => {
  const { fake, port } = await setup(t)
  fake.put(NAMESPACES, namespace('shop'))
  fake.failNext({ method: 'GET', path: /namespaces$/ }, 429, 1, { retryAfterSeconds: 1 })
  const listed = await port.list(NAMESPACES)
  t.same(listed.items.map((item) => item.metadata?.name), ['shop'])
  const [refused, answered] = fake.requests.filter((request) => request.path === '/api/v1/namespaces')
  t.equal(refused?.status, 429)
  t.equal(answered?.status, 200)
  t.ok((answered?.at ?? 0) - (refused?.at ?? 0) >= 990, 'waited the second Retry-After asked for')

  fake.failNext({ method: 'POST' }, 503, 1, { retryAfterSeconds: 1 })
  await port.create(NETWORK_POLICIES, { metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {} } })
  t.same(fake.writes().map((write) => write.status), [503, 201], 'a server shedding load gets the write again later')

  fake.failNext({ method: 'GET' }, 429)
  await t.rejects(port.get(NAMESPACES, 'shop'), { code: 'NG_ERR_KUBE_API', status: 429, reason: 'TooManyRequests' }, 'no Retry-After: the caller backs off')
  fake.failNext({ method: 'GET' }, 500, 1, { retryAfterSeconds: 1 })
  fake.failNext({ method: 'GET' }, 500)
  await t.rejects(port.get(NAMESPACES, 'shop'), { code: 'NG_ERR_KUBE_API', status: 500 }, 'a plain 500 after the retry is the answer')
})

t.test('findClusterConfig: --kubeconfig, $KUBECONFIG, ~/.kube/config, service account, or none', async (t) => {
  const none = { env: {}, home: '/home/me', exists: () => false }
  t.same(findClusterConfig({ ...none, kubeconfig: '/k' }), { type: 'kubeconfig', files: ['/k'] })
  t.same(findClusterConfig({ ...none, env: { KUBECONFIG: '/a:/b' } }), { type: 'kubeconfig', files: ['/a', '/b'] })
  t.same(findClusterConfig({ ...none, exists: (path) => path === '/home/me/.kube/config' }), { type: 'kubeconfig', files: ['/home/me/.kube/config'] })
  t.same(findClusterConfig({ ...none, env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' } }), { type: 'in-cluster' })
  t.equal(findClusterConfig(none), undefined)
  t.equal(findClusterConfig({ ...none, home: undefined, env: { KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '10.0.0.1' } }), undefined)
})

t.test('an unreadable kubeconfig is NG_ERR_KUBE_CONFIG', async (t) => {
  await t.rejects(openKubePort({ type: 'kubeconfig', files: ['/nonexistent/kubeconfig'] }), { code: 'NG_ERR_KUBE_CONFIG' })
})
