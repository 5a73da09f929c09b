// Backend: the loopback double (test/helpers/fake-apiserver.ts). The reconciler's retries, conflicts,
// lost Lease and relists need faults on demand, and hundreds of namespaces settle in milliseconds;
// the real API server's answer to its writes (the chart's RBAC, real watches) is test/e2e/isolation.e2e.ts.
import t from 'tap'
import { LEASES, NAMESPACES, NETWORK_POLICIES } from '../../src/kube/resources.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import { isolatedNamespace, seedOwnNamespace, settle, startReplica, TestPolicyStore } from '../helpers/cluster.ts'
import { policyWith } from '../helpers/policy.ts'
import type { TestContext } from '../helpers/tap.ts'
import { until } from '../helpers/wait.ts'

const DEFAULTS = ['netguard-allow-from-ingress', 'netguard-allow-from-monitoring', 'netguard-allow-same-namespace', 'netguard-deny-by-default']

async function fakeCluster (t: TestContext): Promise<FakeApiServer> {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  seedOwnNamespace(fake)
  return fake
}

const policiesIn = (fake: FakeApiServer, namespace: string) => fake.list(NETWORK_POLICIES, namespace).map((policy) => policy.metadata?.name)
const policyWrites = (fake: FakeApiServer, namespace?: string) =>
  fake.writes(NETWORK_POLICIES).filter((write) => namespace === undefined || write.path.includes(`/namespaces/${namespace}/`))

t.test('a namespace created with the isolation label gets its default policies; others get none', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('existing'))
  const { services } = await startReplica(t, fake)
  await until('the backfill of an existing namespace', () => policiesIn(fake, 'existing').length === 4)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  fake.put(NAMESPACES, { metadata: { name: 'legacy' } })
  fake.put(NAMESPACES, isolatedNamespace('openshift-monitoring'))
  await until('the new namespace', () => policiesIn(fake, 'shop').length === 4)
  t.same(policiesIn(fake, 'shop'), DEFAULTS)
  t.match(fake.get(NETWORK_POLICIES, 'netguard-allow-from-monitoring', 'shop'), {
    metadata: { labels: { 'app.kubernetes.io/managed-by': 'netguard' } },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'network.openshift.io/policy-group': 'monitoring' } } }] }] }
  })
  await settle(fake, services)
  t.same(policiesIn(fake, 'legacy'), [], 'not labelled: not isolated')
  t.same(policiesIn(fake, 'openshift-monitoring'), [], 'exempt')
  t.equal(services.counters?.repairs, 12, 'four in each of existing, shop and the marker')
  t.equal(services.counters?.errors, 0)
  t.equal(policyWrites(fake, 'shop').length, 4, 'its own writes coming back as events cause no further writes')
  t.equal(policyWrites(fake, 'existing').length, 4)
  t.equal(services.isLeader(), true)
})

t.test('a deleted or edited policy is restored; what other writers own is left alone', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const { services, logs } = await startReplica(t, fake)
  await until('the defaults', () => policiesIn(fake, 'shop').length === 4)
  fake.remove(NETWORK_POLICIES, 'netguard-deny-by-default', 'shop')
  await until('the deleted policy is back', () => policiesIn(fake, 'shop').length === 4)
  const same = fake.get(NETWORK_POLICIES, 'netguard-allow-same-namespace', 'shop') as KubeObject
  fake.put(NETWORK_POLICIES, { ...same, spec: { podSelector: {}, ingress: [{}] } })
  await until('the edited spec is restored', () => JSON.stringify(fake.get(NETWORK_POLICIES, 'netguard-allow-same-namespace', 'shop')?.spec) === JSON.stringify(same.spec))
  const ingress = fake.get(NETWORK_POLICIES, 'netguard-allow-from-ingress', 'shop') as KubeObject
  fake.put(NETWORK_POLICIES, { ...ingress, metadata: { ...ingress.metadata, labels: {} } })
  await until('the label is restored', () => fake.get(NETWORK_POLICIES, 'netguard-allow-from-ingress', 'shop')?.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'netguard')
  t.ok(logs.lines.some((line) => line.msg === 'restored default NetworkPolicy' && (line.drift as string[]).includes('spec')))
  await settle(fake, services)
  const writes = policyWrites(fake, 'shop').length
  t.equal(writes, 7, '4 created, 3 repaired')
  const monitoring = fake.get(NETWORK_POLICIES, 'netguard-allow-from-monitoring', 'shop') as KubeObject
  fake.put(NETWORK_POLICIES, { ...monitoring, metadata: { ...monitoring.metadata, labels: { ...monitoring.metadata?.labels, team: 'shop' }, annotations: { note: 'mine' } } })
  fake.put(NAMESPACES, isolatedNamespace('shop', { touched: 'yes' }))
  await settle(fake, services)
  t.equal(policyWrites(fake, 'shop').length, writes, 'another writer\'s labels and annotations are not fought over')
})

t.test('a write heard of before its answer does not hold the namespace back: a deletion right after is repaired at once', async (t) => {
  const fake = await fakeCluster(t)
  fake.answerWritesLate(50)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const { services } = await startReplica(t, fake)
  await until('the defaults', () => policiesIn(fake, 'shop').length === 4)
  await settle(fake, services)
  fake.remove(NETWORK_POLICIES, 'netguard-deny-by-default', 'shop')
  // Well inside the 30 s that an unanswered expectation would hold the namespace for.
  await until('the deleted policy is back', () => policiesIn(fake, 'shop').length === 4, 3000)
  t.equal(policyWrites(fake, 'shop').length, 5, '4 created, 1 restored')
})

t.test('a terminating namespace is left alone', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  fake.put(NAMESPACES, { ...isolatedNamespace('leaving'), status: { phase: 'Terminating' } })
  const { services } = await startReplica(t, fake)
  await until('the defaults', () => policiesIn(fake, 'shop').length === 4)
  t.same(policiesIn(fake, 'leaving'), [])
  const shop = fake.get(NAMESPACES, 'shop') as KubeObject
  fake.put(NAMESPACES, { ...shop, metadata: { ...shop.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } })
  // As in a cluster: the namespace controller deletes the content after the namespace is marked.
  await until('the cache sees it terminating', () => services.view?.list(NAMESPACES, 'shop')?.[0]?.metadata?.deletionTimestamp !== undefined)
  for (const name of DEFAULTS) fake.remove(NETWORK_POLICIES, name, 'shop')
  await settle(fake, services)
  t.same(policiesIn(fake, 'shop'), [], 'the namespace controller empties it; netguard does not refill it')
  t.equal(policyWrites(fake, 'shop').length, 4, 'only the first four creates')
  t.same(policyWrites(fake, 'leaving'), [])
})

t.test('two replicas, one writer: the Lease holder; the other takes over when it leaves', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const a = await startReplica(t, fake, { identity: 'replica-a' })
  await until('a leads', () => a.services.isLeader())
  const b = await startReplica(t, fake, { identity: 'replica-b' })
  await until('the defaults', () => policiesIn(fake, 'shop').length === 4)
  fake.put(NAMESPACES, isolatedNamespace('web'))
  await settle(fake, a.services)
  await settle(fake, b.services)
  t.equal(b.services.isLeader(), false)
  t.same([...new Set(policyWrites(fake).map((write) => write.user))], ['replica-a'], 'only the leader wrote')
  t.equal(policyWrites(fake).length, 16, 'shop, web and two markers, once each')
  t.match(fake.get(LEASES, 'netguard-reconciler', 'netguard'), { spec: { holderIdentity: 'replica-a', leaseDurationSeconds: 1, renewTime: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/ } })

  await a.services.close()
  await until('b takes over', () => b.services.isLeader())
  fake.remove(NETWORK_POLICIES, 'netguard-deny-by-default', 'web')
  await until('b repairs', () => policiesIn(fake, 'web').length === 4)
  t.equal(policyWrites(fake).at(-1)?.user, 'replica-b')
  t.match(fake.get(LEASES, 'netguard-reconciler', 'netguard'), { spec: { holderIdentity: 'replica-b', leaseTransitions: 0 } }, 'a released Lease is not a transition')
})

t.test('a leader that cannot renew steps down; another takes over once the Lease expires', async (t) => {
  const fake = await fakeCluster(t)
  const a = await startReplica(t, fake, { identity: 'replica-a' })
  await until('a leads', () => a.services.isLeader())
  const b = await startReplica(t, fake, { identity: 'replica-b' })
  fake.failNext({ path: /leases/, method: 'PUT', user: 'replica-a' }, 500, 1_000_000)
  await until('a steps down', () => !a.services.isLeader())
  await until('b takes over the expired Lease', () => b.services.isLeader())
  t.match(fake.get(LEASES, 'netguard-reconciler', 'netguard'), { spec: { holderIdentity: 'replica-b', leaseTransitions: 1 } })
  t.equal(a.services.isLeader(), false, 'never two leaders')
})

t.test('the API server goes away and comes back: caches resync and drift is repaired', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const { services, logs } = await startReplica(t, fake)
  await until('the defaults', () => policiesIn(fake, 'shop').length === 4)
  await fake.stop()
  fake.remove(NETWORK_POLICIES, 'netguard-deny-by-default', 'shop')
  fake.put(NAMESPACES, isolatedNamespace('web'))
  fake.compact()
  await until('a failed reconnect', () => logs.lines.some((line) => line.msg === 'watch failed; resuming' || line.msg === 'list failed; retrying'))
  await fake.restart()
  await until('repaired after the relist', () => policiesIn(fake, 'shop').length === 4 && policiesIn(fake, 'web').length === 4)
  t.ok(logs.lines.some((line) => line.msg === 'watch history expired (410 Gone); relisting'))
  t.equal(services.view?.list(NAMESPACES, 'web')?.length, 1, 'the cache knows what was created while it was away')
})

t.test('audit mode reports drift and writes nothing', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const { services, logs } = await startReplica(t, fake, { mode: 'audit' })
  await until('the drift is reported', () => services.counters?.drift === 4)
  t.same(policyWrites(fake), [])
  t.same(policiesIn(fake, 'shop'), [])
  t.match(logs.lines.filter((line) => line.msg === 'default isolation drifted (audit mode: not repaired)'), [
    { namespace: 'shop', name: 'netguard-deny-by-default', kind: 'NetworkPolicy', action: 'create' }
  ])
  t.equal(services.counters?.repairs, 0)
})

t.test('the policy mode audit does the same, and a new policy is applied to every namespace', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const store = new TestPolicyStore(policyWith('mode: audit'))
  const { services } = await startReplica(t, fake, { store })
  await until('the drift is reported', () => services.counters?.drift === 4)
  t.same(policyWrites(fake), [])
  store.set(policyWith(`
isolation:
  networkPolicies:
    - name: allow-dns
      spec: { podSelector: {}, policyTypes: [Egress], egress: [{ ports: [{ port: 53, protocol: UDP }] }] }
`))
  await until('the new set', () => policiesIn(fake, 'shop').length === 1)
  t.same(policiesIn(fake, 'shop'), ['allow-dns'])
})

t.test('errors back off and retry; conflicts are retried without counting as errors', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  fake.failNext({ method: 'POST', path: /networkpolicies/ }, 500, 2)
  const { services, logs } = await startReplica(t, fake)
  await until('the defaults', () => policiesIn(fake, 'shop').length === 4)
  t.equal(services.counters?.errors, 2)
  t.equal(logs.lines.filter((line) => line.msg === 'reconcile failed; retrying').length, 2)
  const deny = fake.get(NETWORK_POLICIES, 'netguard-deny-by-default', 'shop') as KubeObject
  fake.failNext({ method: 'PUT', path: /networkpolicies/ }, 409)
  fake.put(NETWORK_POLICIES, { ...deny, spec: { podSelector: { matchLabels: { a: 'b' } } } })
  await until('restored after the conflict', () => JSON.stringify(fake.get(NETWORK_POLICIES, 'netguard-deny-by-default', 'shop')?.spec) === JSON.stringify(deny.spec))
  t.equal(services.counters?.errors, 2)
})

t.test('without reconcile the caches still serve the view', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const { services } = await startReplica(t, fake, { reconcile: false })
  await until('synced', () => Object.values(services.cacheStates()).every((state) => state === 'synced'))
  t.equal(services.counters, undefined)
  t.equal(services.isLeader(), false)
  t.same(services.cacheStates(), {
    Namespace: 'synced',
    'NetworkPolicy.networking.k8s.io': 'synced',
    'NetworkAttachmentDefinition.k8s.cni.cncf.io': 'synced',
    'MultiNetworkPolicy.k8s.cni.cncf.io': 'synced',
    'BaselineAdminNetworkPolicy.policy.networking.k8s.io': 'synced',
    Service: 'synced',
    'Route.route.openshift.io': 'synced',
    'Ingress.networking.k8s.io': 'synced',
    'EgressIP.k8s.ovn.org': 'synced',
    'UserDefinedNetwork.k8s.ovn.org': 'synced',
    'ClusterUserDefinedNetwork.k8s.ovn.org': 'synced',
    'AdminNetworkPolicy.policy.networking.k8s.io': 'synced'
  }, 'Namespaces, NetworkPolicies and every kind a rule reads')
  t.same(fake.writes(), [])
})

t.test('closing before the caches ever synced does not hang', async (t) => {
  const fake = await fakeCluster(t)
  await fake.stop()
  const { services, logs } = await startReplica(t, fake)
  await until('a failed list', () => logs.lines.some((line) => line.msg === 'list failed; retrying'))
  await services.close()
  t.equal(services.isLeader(), false)
})

t.test('reconciles, repairs and leadership are reported to the metrics', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const seen: string[] = []
  const metrics = {
    reconciled: (result: string) => seen.push(`reconciled ${result}`),
    repaired: (operation: string, mode: string) => seen.push(`repaired ${operation} ${mode}`),
    leading: (isLeader: boolean) => seen.push(`leading ${isLeader}`)
  }
  fake.failNext({ method: 'POST', path: /networkpolicies/ }, 500)
  const { services } = await startReplica(t, fake, { metrics })
  await until('the defaults', () => policiesIn(fake, 'shop').length === 4)
  await settle(fake, services)
  await services.close()
  t.equal(seen[0], 'leading true')
  t.equal(seen.at(-1), 'leading false')
  t.equal(seen.filter((entry) => entry === 'repaired create enforce').length, 8, 'shop and the marker')
  t.equal(seen.filter((entry) => entry === 'reconciled error').length, 1)
  t.ok(seen.includes('reconciled ok'))

  const audit = await fakeCluster(t)
  audit.put(NAMESPACES, isolatedNamespace('shop'))
  const audited: string[] = []
  const { services: auditing } = await startReplica(t, audit, { mode: 'audit', metrics: { repaired: (operation, mode) => audited.push(`${operation} ${mode}`) } })
  await until('the drift', () => auditing.counters?.drift === 4)
  t.same(audited, ['create audit', 'create audit', 'create audit', 'create audit'])
})
