import t from 'tap'
import { BASELINE_ADMIN_NETWORK_POLICIES, MULTI_NETWORK_POLICIES, NAMESPACES, NETWORK_ATTACHMENT_DEFINITIONS, NETWORK_POLICIES } from '../../src/kube/resources.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import type { ClusterServices } from '../../src/cluster-services.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import { isolatedNamespace, seedOwnNamespace, startReplica, TestPolicyStore } from '../helpers/cluster.ts'
import { policyWith } from '../helpers/policy.ts'
import type { TestContext } from '../helpers/tap.ts'
import { until } from '../helpers/wait.ts'

const BASELINE = 'isolation: { mechanism: baselineAdminNetworkPolicy }'

async function fakeCluster (t: TestContext): Promise<FakeApiServer> {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  seedOwnNamespace(fake)
  return fake
}

let markers = 0

/**
 * Waits until the reconciler has handled every change made so far: a marker namespace with a
 * secondary network gets its deny MultiNetworkPolicy (its event comes after every earlier one on
 * the namespace watch), then the work queue drains.
 */
async function settle (fake: FakeApiServer, services: ClusterServices): Promise<void> {
  const marker = `marker-${++markers}`
  fake.put(NAMESPACES, isolatedNamespace(marker))
  fake.put(NETWORK_ATTACHMENT_DEFINITIONS, { metadata: { name: 'net', namespace: marker }, spec: { config: '{}' } })
  await until(`the ${marker} deny policy in the cache`, () => services.view?.list(MULTI_NETWORK_POLICIES, marker)?.length === 1)
  await until('an empty work queue', () => services.backlog() === 0)
}

const baseline = (fake: FakeApiServer) => fake.get(BASELINE_ADMIN_NETWORK_POLICIES, 'default')
const baselineWrites = (fake: FakeApiServer) => fake.writes(BASELINE_ADMIN_NETWORK_POLICIES)

t.test('isolation through the baseline: one BaselineAdminNetworkPolicy, no NetworkPolicies', async (t) => {
  const fake = await fakeCluster(t)
  for (const name of ['shop', 'bank', 'web']) fake.put(NAMESPACES, isolatedNamespace(name))
  fake.put(NAMESPACES, isolatedNamespace('openshift-console'))
  const { services, logs } = await startReplica(t, fake, { store: new TestPolicyStore(policyWith(BASELINE)) })
  await until('the baseline', () => baseline(fake) !== undefined)
  t.match(baseline(fake), {
    metadata: { name: 'default', labels: { 'app.kubernetes.io/managed-by': 'netguard' } },
    spec: {
      subject: {
        namespaces: {
          matchLabels: { 'netguard.io/isolation': 'default-deny' },
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['openshift-console'] }]
        }
      },
      ingress: [
        { name: 'netguard-allow-from-ingress', action: 'Allow', from: [{ namespaces: { matchLabels: { 'policy-group.network.openshift.io/ingress': '' } } }] },
        { name: 'netguard-allow-from-monitoring', action: 'Allow', from: [{ namespaces: { matchLabels: { 'network.openshift.io/policy-group': 'monitoring' } } }] },
        { name: 'netguard-deny-by-default', action: 'Deny', from: [{ namespaces: {} }] }
      ]
    }
  }, 'the subject leaves out the labelled namespace that is exempt')
  await settle(fake, services)
  t.same(fake.writes(NETWORK_POLICIES), [], 'no NetworkPolicy anywhere')
  t.equal(baselineWrites(fake).length, 1, 'one object for every namespace, written once')
  t.ok(logs.lines.some((line) => line.msg === 'isolation rules a BaselineAdminNetworkPolicy cannot express were left out of the baseline' &&
    JSON.stringify(line.untranslated) === JSON.stringify(['netguard-allow-same-namespace: ingress[0].from[0] (the namespace\'s own pods)'])))
})

t.test('drift of the baseline is healed; a new namespace needs no write; nothing loops', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const { services } = await startReplica(t, fake, { store: new TestPolicyStore(policyWith(BASELINE)) })
  await until('the baseline', () => baseline(fake) !== undefined)
  const wanted = baseline(fake) as KubeObject
  fake.put(BASELINE_ADMIN_NETWORK_POLICIES, { ...wanted, spec: { subject: { namespaces: {} }, ingress: [] } })
  await until('restored', () => JSON.stringify(baseline(fake)?.spec) === JSON.stringify(wanted.spec))
  fake.remove(BASELINE_ADMIN_NETWORK_POLICIES, 'default')
  await until('recreated', () => baseline(fake) !== undefined)
  await settle(fake, services)
  const writes = baselineWrites(fake).length
  t.equal(writes, 3, 'created, restored, recreated')
  for (const name of ['a', 'b', 'c']) fake.put(NAMESPACES, isolatedNamespace(name))
  await settle(fake, services)
  t.equal(baselineWrites(fake).length, writes, 'a label selector covers new namespaces without a write')
  fake.put(NAMESPACES, isolatedNamespace('kube-public'))
  await until('an exempt labelled namespace is left out', () => JSON.stringify(baseline(fake)?.spec).includes('kube-public'))
})

t.test('a BaselineAdminNetworkPolicy netguard did not create is the admin\'s: never touched', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const theirs = { metadata: { name: 'default' }, spec: { subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] } }
  fake.put(BASELINE_ADMIN_NETWORK_POLICIES, theirs)
  const { services, logs } = await startReplica(t, fake, { store: new TestPolicyStore(policyWith(BASELINE)) })
  await settle(fake, services)
  t.same(baselineWrites(fake), [])
  t.equal(logs.lines.filter((line) => line.msg === 'a BaselineAdminNetworkPolicy netguard does not manage exists; isolation through the baseline is not in force').length, 1, 'said once')
})

t.test('with the default mechanism no baseline is written; in audit mode its drift is reported only', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const { services } = await startReplica(t, fake)
  await settle(fake, services)
  t.same(baselineWrites(fake), [])

  const audited = await fakeCluster(t)
  audited.put(NAMESPACES, isolatedNamespace('shop'))
  const { logs } = await startReplica(t, audited, { store: new TestPolicyStore(policyWith(BASELINE)), mode: 'audit' })
  await until('drift reported', () => logs.lines.some((line) => line.msg === 'default isolation drifted (audit mode: not repaired)' && line.kind === 'BaselineAdminNetworkPolicy'))
  t.same(baselineWrites(audited), [])
})

t.test('switching the mechanism on a running replica writes the baseline and leaves the NetworkPolicies in place', async (t) => {
  const fake = await fakeCluster(t)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  const store = new TestPolicyStore()
  const { services } = await startReplica(t, fake, { store })
  await until('the four policies', () => fake.list(NETWORK_POLICIES, 'shop').length === 4)
  store.set(policyWith(BASELINE))
  await until('the baseline', () => baseline(fake) !== undefined)
  await settle(fake, services)
  t.equal(fake.list(NETWORK_POLICIES, 'shop').length, 4, 'netguard never deletes: an admin removes them')
})
