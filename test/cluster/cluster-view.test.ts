import t from 'tap'
import { ClusterCaches } from '../../src/cluster/caches.ts'
import { snapshotCluster } from '../../src/cluster/snapshot.ts'
import { staticClusterView } from '../../src/cluster/static-view.ts'
import { openKubePort, type KubePort } from '../../src/kube/port.ts'
import { kindOf } from '../../src/kube/kinds.ts'
import { KNOWN_RESOURCES, NAMESPACES, resourceFor, ROUTES } from '../../src/kube/resources.ts'
import type { ClusterView, Violation } from '../../src/engine/types.ts'
import { EDGE, route, violationsOf } from '../engine/rules/route/route-fixtures.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import { captureLog } from '../helpers/log.ts'
import type { TestContext } from '../helpers/tap.ts'
import { until } from '../helpers/wait.ts'
import { clusterViewContract, CONTRACT_KINDS, CONTRACT_OBJECTS } from './cluster-view-contract.ts'

/** The API-server double holding the contract's objects; Routes are not served (known and empty). */
async function apiServerHolding (t: TestContext): Promise<KubePort> {
  const fake = await FakeApiServer.start({ resources: KNOWN_RESOURCES.filter((resource) => resource !== ROUTES) })
  t.teardown(() => fake.close())
  for (const object of CONTRACT_OBJECTS) {
    const resource = resourceFor(kindOf(object))
    if (resource === undefined) throw new Error(`no API resource for ${object.kind ?? ''}`)
    fake.put(resource, object)
  }
  return await openKubePort({ type: 'kubeconfig', files: [fake.writeKubeconfig(t.testdir())] })
}

t.test('check --cluster-state: the static view', async (t) => {
  clusterViewContract(t, staticClusterView(CONTRACT_OBJECTS), { knowsEveryKind: true })
})

t.test('audit: the snapshot of a listing', async (t) => {
  const snapshot = await snapshotCluster(await apiServerHolding(t), CONTRACT_KINDS, 2)
  clusterViewContract(t, snapshot.view)
})

t.test('serve: the informer caches', async (t) => {
  const port = await apiServerHolding(t)
  const caches = new ClusterCaches(port, { log: captureLog().log, retry: { initialMs: 5, maxMs: 20 }, pageSize: 2 }, CONTRACT_KINDS)
  caches.start()
  t.teardown(() => caches.stop())
  await until('every cache synced', () => CONTRACT_KINDS.every((kind) => caches.list(kind) !== undefined))
  clusterViewContract(t, caches)
})

t.test('a rule that needs state it does not have says so in the words of the front that reviews', async (t) => {
  const claim = route({ host: 'store.apps.example.com', tls: EDGE })
  const unknownRoutes = (cluster?: ClusterView): Pick<Violation, 'message' | 'fix' | 'action'>[] =>
    violationsOf('ROUTE-HOST-OWNERSHIP', claim, '{}', cluster === undefined ? {} : { cluster }).map(({ message, fix, action }) => ({ message, fix, action }))

  t.same(unknownRoutes(), [{
    message: 'existing Route objects are not known (no cluster state was given), so this could not be checked',
    fix: 'give netguard check the cluster\'s objects with --cluster-state, or netguard serve access to the cluster',
    action: 'warn'
  }], 'check offline (and serve without a cluster): no view; waiting would not help')

  const port = await apiServerHolding(t)
  const caches = new ClusterCaches(port, { log: captureLog().log }, CONTRACT_KINDS)
  t.same(unknownRoutes(caches), [{
    message: 'existing Route objects are not known yet, so this could not be checked',
    fix: 'retry once netguard has synced its cluster caches',
    action: 'warn'
  }], 'the webhook before its caches sync')

  const listing = await snapshotCluster(port, [NAMESPACES], 2)
  t.same(unknownRoutes(listing.view), [{
    message: 'existing Route objects are not known (this audit did not list them), so this could not be checked',
    fix: 'check it with netguard check --cluster-state holding the cluster\'s objects of that kind',
    action: 'warn'
  }], 'audit, for a kind it did not list')
})
