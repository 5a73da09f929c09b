// Backend: the loopback double (test/helpers/fake-apiserver.ts): a lost Lease and a leader handover are
// provoked on demand, which a real API server does not offer.
import t from 'tap'
import { startClusterServices } from '../src/cluster-services.ts'
import { NAMESPACES } from '../src/kube/resources.ts'
import { FakeApiServer } from './helpers/fake-apiserver.ts'
import { FAST_TUNING, TestPolicyStore } from './helpers/cluster.ts'
import { captureLog } from './helpers/log.ts'
import { until } from './helpers/wait.ts'

t.test('without a cluster: no view, no reconciler, said once in the log', async (t) => {
  const { log, lines } = captureLog()
  const services = await startClusterServices({ policyStore: new TestPolicyStore(), log, cluster: undefined })
  t.equal(services.view, undefined)
  t.equal(services.counters, undefined)
  t.equal(services.isLeader(), false)
  t.equal(services.backlog(), 0)
  t.same(services.cacheStates(), {})
  await services.close()
  t.match(lines, [{ level: 30, module: 'cluster', msg: /^no cluster configuration .*running without cluster caches and reconciler$/ }])
})

t.test('with a kubeconfig: caches, and where they connect is logged', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  fake.put(NAMESPACES, { metadata: { name: 'shop' } })
  const { log, lines } = captureLog()
  const services = await startClusterServices({
    policyStore: new TestPolicyStore(), log, cluster: { type: 'kubeconfig', files: [fake.writeKubeconfig(t.testdir())] }, reconcile: false, tuning: FAST_TUNING
  })
  t.teardown(() => services.close())
  await until('the namespace cache', () => services.view?.list(NAMESPACES, 'shop')?.length === 1)
  t.match(lines, [{ msg: 'connecting to the cluster', source: /^kubeconfig .*kubeconfig-netguard$/ }])
})

t.test('a kubeconfig that cannot be read is an error, not a silent no-cluster', async (t) => {
  const { log } = captureLog()
  await t.rejects(startClusterServices({ policyStore: new TestPolicyStore(), log, cluster: { type: 'kubeconfig', files: ['/nonexistent'] } }), { code: 'NG_ERR_KUBE_CONFIG' })
})
