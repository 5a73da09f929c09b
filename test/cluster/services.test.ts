import t from 'tap'
import { startClusterServices } from '../../src/cluster/services.ts'
import { NAMESPACES } from '../../src/kube/resources.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import { FAST_TUNING, TestPolicyStore } from '../helpers/cluster.ts'
import { captureLog } from '../helpers/log.ts'
import { until } from '../helpers/wait.ts'

t.test('without a cluster: no view, no reconciler, said once in the log', async (t) => {
  const { log, lines } = captureLog()
  const services = startClusterServices({ policyStore: new TestPolicyStore(), log, env: {}, home: t.testdir() })
  t.equal(services.view, undefined)
  t.equal(services.counters, undefined)
  t.equal(services.isLeader(), false)
  t.equal(services.backlog(), 0)
  t.same(services.cacheStates(), {})
  await services.close()
  t.match(lines, [{ level: 30, module: 'cluster', msg: /^no cluster configuration .*running without cluster caches and reconciler$/ }])
})

t.test('$KUBECONFIG is found like kubectl finds it', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  fake.put(NAMESPACES, { metadata: { name: 'shop' } })
  const { log, lines } = captureLog()
  const services = startClusterServices({
    policyStore: new TestPolicyStore(), log, env: { KUBECONFIG: fake.writeKubeconfig(t.testdir()) }, home: '/nonexistent', reconcile: false, tuning: FAST_TUNING
  })
  t.teardown(() => services.close())
  await until('the namespace cache', () => services.view?.list(NAMESPACES, 'shop')?.length === 1)
  t.match(lines, [{ msg: 'connecting to the cluster', source: /^kubeconfig .*kubeconfig-netguard$/ }])
})

t.test('a kubeconfig that cannot be read is an error, not a silent no-cluster', async (t) => {
  const { log } = captureLog()
  t.throws(() => startClusterServices({ policyStore: new TestPolicyStore(), log, kubeconfig: '/nonexistent', env: {} }), { code: 'NG_ERR_KUBE_CONFIG' })
})
