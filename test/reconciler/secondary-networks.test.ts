import t from 'tap'
import { MULTI_NETWORK_POLICIES, NAMESPACES, NETWORK_ATTACHMENT_DEFINITIONS, NETWORK_POLICIES, KNOWN_RESOURCES, LEASES } from '../../src/kube/resources.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import { isolatedNamespace, seedOwnNamespace, settle, startReplica, TestPolicyStore } from '../helpers/cluster.ts'
import { policyWith } from '../helpers/policy.ts'
import type { TestContext } from '../helpers/tap.ts'
import { until } from '../helpers/wait.ts'

async function fakeCluster (t: TestContext, options: { served?: typeof KNOWN_RESOURCES } = {}): Promise<FakeApiServer> {
  const fake = await FakeApiServer.start(options.served === undefined ? {} : { resources: [...options.served, LEASES] })
  t.teardown(() => fake.close())
  seedOwnNamespace(fake)
  return fake
}

const nad = (name: string, namespace: string): KubeObject => ({
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name, namespace },
  spec: { config: JSON.stringify({ cniVersion: '0.4.0', type: 'macvlan', master: 'eth1', ipam: { type: 'whereabouts', range: '192.168.50.0/24' } }) }
})
const denyPolicies = (fake: FakeApiServer, namespace: string) => fake.list(MULTI_NETWORK_POLICIES, namespace).map((policy) => policy.metadata?.name)
const mnpWrites = (fake: FakeApiServer) => fake.writes(MULTI_NETWORK_POLICIES)

t.test('every secondary network of an isolated namespace gets a deny-by-default MultiNetworkPolicy', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  fake.put(NETWORK_ATTACHMENT_DEFINITIONS, nad('storage-net', 'shop'))
  fake.put(NAMESPACES, { metadata: { name: 'legacy' } })
  fake.put(NETWORK_ATTACHMENT_DEFINITIONS, nad('legacy-net', 'legacy'))
  fake.put(NETWORK_ATTACHMENT_DEFINITIONS, nad('infra-net', 'openshift-monitoring'))
  const { services } = await startReplica(t, fake)
  await until('the storage network is isolated', () => denyPolicies(fake, 'shop').length === 1)
  t.match(fake.get(MULTI_NETWORK_POLICIES, 'netguard-deny-storage-net', 'shop'), {
    apiVersion: 'k8s.cni.cncf.io/v1beta1',
    kind: 'MultiNetworkPolicy',
    metadata: { labels: { 'app.kubernetes.io/managed-by': 'netguard' }, annotations: { 'k8s.v1.cni.cncf.io/policy-for': 'shop/storage-net' } },
    spec: { podSelector: {}, policyTypes: ['Ingress'] }
  })
  fake.put(NETWORK_ATTACHMENT_DEFINITIONS, nad('sriov-net', 'shop'))
  await until('a network added later', () => denyPolicies(fake, 'shop').length === 2)
  await settle(fake, services)
  t.same(denyPolicies(fake, 'legacy'), [], 'not isolated')
  t.same(fake.list(MULTI_NETWORK_POLICIES).map((policy) => policy.metadata?.namespace).filter((namespace) => namespace !== 'shop'), [], 'nor exempt ones')
  t.equal(mnpWrites(fake).length, 2, 'its own writes coming back as events cause no further writes')
  t.equal(fake.list(NETWORK_POLICIES, 'shop').length, 4, 'beside the four NetworkPolicies')
})

t.test('a deny policy heard of before its answer does not hold the namespace back: a deletion right after is repaired at once', async (t) => {
  const fake = await fakeCluster(t)
  fake.answerWritesLate(50)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  fake.put(NETWORK_ATTACHMENT_DEFINITIONS, nad('storage-net', 'shop'))
  const { services } = await startReplica(t, fake)
  await until('the deny policy', () => denyPolicies(fake, 'shop').length === 1)
  await settle(fake, services)
  fake.remove(MULTI_NETWORK_POLICIES, 'netguard-deny-storage-net', 'shop')
  // Well inside the 30 s that an unanswered expectation would hold the namespace for.
  await until('the deleted deny policy is back', () => denyPolicies(fake, 'shop').length === 1, 3000)
  t.equal(mnpWrites(fake).length, 2, '1 created, 1 restored')
})

t.test('a deleted or edited deny policy is restored, annotation included; nothing loops', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  fake.put(NETWORK_ATTACHMENT_DEFINITIONS, nad('storage-net', 'shop'))
  const { services, logs } = await startReplica(t, fake)
  await until('the deny policy', () => denyPolicies(fake, 'shop').length === 1)
  const deny = fake.get(MULTI_NETWORK_POLICIES, 'netguard-deny-storage-net', 'shop') as KubeObject
  fake.remove(MULTI_NETWORK_POLICIES, 'netguard-deny-storage-net', 'shop')
  await until('restored after a delete', () => denyPolicies(fake, 'shop').length === 1)
  const restored = fake.get(MULTI_NETWORK_POLICIES, 'netguard-deny-storage-net', 'shop') as KubeObject
  fake.put(MULTI_NETWORK_POLICIES, { ...restored, metadata: { ...restored.metadata, annotations: { 'k8s.v1.cni.cncf.io/policy-for': 'shop/nothing' } }, spec: { podSelector: {}, ingress: [{}] } })
  await until('spec and annotation restored', () => {
    const now = fake.get(MULTI_NETWORK_POLICIES, 'netguard-deny-storage-net', 'shop')
    return JSON.stringify(now?.spec) === JSON.stringify(deny.spec) && now?.metadata?.annotations?.['k8s.v1.cni.cncf.io/policy-for'] === 'shop/storage-net'
  })
  // The API server has the object before netguard has read its answer: wait for the log line.
  await until('the repair is logged with its drift', () => logs.lines.some((line) => line.msg === 'restored default MultiNetworkPolicy' &&
    (line.drift as string[]).includes('annotation k8s.v1.cni.cncf.io/policy-for')))
  await settle(fake, services)
  const writes = mnpWrites(fake).length
  t.equal(writes, 3, 'created, recreated, restored')
  const current = fake.get(MULTI_NETWORK_POLICIES, 'netguard-deny-storage-net', 'shop') as KubeObject
  fake.put(MULTI_NETWORK_POLICIES, { ...current, metadata: { ...current.metadata, annotations: { ...current.metadata?.annotations, note: 'mine' }, labels: { ...current.metadata?.labels, team: 'shop' } } })
  await settle(fake, services)
  t.equal(mnpWrites(fake).length, writes, 'another writer\'s labels and annotations are not fought over')
})

t.test('where the cluster does not serve MultiNetworkPolicy, or the policy says no, none is written', async (t) => {
  const fake = await fakeCluster(t, { served: KNOWN_RESOURCES.filter((resource) => resource !== MULTI_NETWORK_POLICIES) })
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  fake.put(NETWORK_ATTACHMENT_DEFINITIONS, nad('storage-net', 'shop'))
  const { services } = await startReplica(t, fake)
  await settle(fake, services)
  t.same(mnpWrites(fake), [], 'not served: OKD without useMultiNetworkPolicy')
  t.equal(services.cacheStates()['MultiNetworkPolicy.k8s.cni.cncf.io'], 'not-served')

  const served = await fakeCluster(t)
  served.put(NAMESPACES, isolatedNamespace('shop'))
  served.put(NETWORK_ATTACHMENT_DEFINITIONS, nad('storage-net', 'shop'))
  const off = await startReplica(t, served, { store: new TestPolicyStore(policyWith('isolation: { secondaryNetworks: false }')) })
  await settle(served, off.services)
  t.same(mnpWrites(served), [], 'spec.isolation.secondaryNetworks: false')
})

t.test('audit mode reports the missing deny policy and writes none', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  fake.put(NETWORK_ATTACHMENT_DEFINITIONS, nad('storage-net', 'shop'))
  const { services, logs } = await startReplica(t, fake, { mode: 'audit' })
  await until('drift reported', () => logs.lines.some((line) => line.msg === 'default isolation drifted (audit mode: not repaired)' && line.kind === 'MultiNetworkPolicy'))
  await until('an empty queue', () => services.backlog() === 0)
  t.same(mnpWrites(fake), [])
})
