// Backend: the real kube-apiserver and etcd started by `npm run e2e` (test/e2e/run.ts), with the
// chart's webhook configurations. Whether a request reaches netguard at all is decided by the API
// server (namespaceSelector, matchConditions), and what happens while netguard is down is its
// failurePolicy: only the real thing can show that the platform never waits on netguard.
// Depends on issue 13 (matchConditions generated from the policy's exemptions).
import t from 'tap'
import { denialOf, e2eCluster, eventually, pathOf, tenantNamespace, uniqueName } from './harness/e2e.ts'
import { loggedReviews } from './harness/netguard-log.ts'
import { startNetguardReplica, stopReplica } from './harness/replicas.ts'
import { serviceAccountToken, TENANT_ROLE } from './harness/setup.ts'

const cluster = e2eCluster()
t.teardown(() => cluster.close())
const { state, admin, tenant } = cluster

const tenantSpace = await tenantNamespace(cluster, 'apps')
// A platform namespace the chart's hand-written list misses, but the policy exempts (openshift-*).
const platformSpace = 'openshift-controller-manager'
await admin.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: platformSpace } })
await admin.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${platformSpace}/rolebindings`, {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'e2e-tenant-admin' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: TENANT_ROLE },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: state.users.tenantGroup }]
})
// A platform identity: the ReplicaSet controller creates pods in tenants' namespaces.
await admin.create('/api/v1/namespaces/kube-system/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'replicaset-controller' } })
await admin.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'e2e-replicaset-controller' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:controller:replicaset-controller' },
  subjects: [{ kind: 'ServiceAccount', name: 'replicaset-controller', namespace: 'kube-system' }]
})
// No controller-manager runs here: the pods' ServiceAccount must exist for the API server to admit them.
await admin.create(`/api/v1/namespaces/${tenantSpace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } })
const controller = cluster.clientWithToken(await serviceAccountToken(admin, 'replicaset-controller', 'kube-system'), 'system:serviceaccount:kube-system:replicaset-controller')

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: tenantSpace },
  spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] }
})
const platformService = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: platformSpace },
  spec: { type: 'NodePort', selector: { app: 'controller-manager' }, ports: [{ port: 443 }] }
})
const tenantService = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: tenantSpace },
  spec: { selector: { app: 'web' }, ports: [{ port: 80 }] }
})
const reviewsOf = (name: string) => loggedReviews(state).filter((review) => review.name === name)

t.test('exempt requests never reach netguard', async (t) => {
  const byController = pod(uniqueName('web'))
  const created = await controller.create(pathOf(byController, false), byController)
  t.equal(created.status, 201, `the ReplicaSet controller's pod is created: ${denialOf(created.body)}`)
  const inPlatform = platformService(uniqueName('metrics'))
  const platform = await tenant.create(pathOf(inPlatform, false), inPlatform)
  t.equal(platform.status, 201, `a Service in ${platformSpace} is created: ${denialOf(platform.body)}`)

  // A request that is reviewed, made after both: once netguard has logged it, the earlier ones would be logged too.
  const reviewed = tenantService(uniqueName('marker'))
  t.equal((await tenant.create(pathOf(reviewed, false), reviewed)).status, 201)
  await eventually(t, 'the marker request in netguard\'s log', async () => reviewsOf(reviewed.metadata.name).length > 0)
  t.same(reviewsOf(byController.metadata.name), [], 'no review of the platform controller\'s pod')
  t.same(reviewsOf(inPlatform.metadata.name), [], `no review of the Service in ${platformSpace}`)
})

t.test('with netguard down, exempt requests succeed and a tenant\'s follows failurePolicy', async (t) => {
  const validating = await admin.get('/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations')
  const failurePolicy = ((validating.body.items as Array<{ webhooks: Array<{ failurePolicy: string }> }>)[0]?.webhooks[0]?.failurePolicy)
  t.ok(failurePolicy === 'Fail' || failurePolicy === 'Ignore', `the chart set failurePolicy ${String(failurePolicy)}`)

  await stopReplica(state, state.netguard.primary.name)
  t.teardown(async () => { await startNetguardReplica(state, state.netguard.primary.name, state.netguard.port) })

  const byController = pod(uniqueName('web'))
  const created = await controller.create(pathOf(byController, false), byController)
  t.equal(created.status, 201, `the platform controller's pod: ${denialOf(created.body)}`)
  const inPlatform = platformService(uniqueName('metrics'))
  const platform = await tenant.create(pathOf(inPlatform, false), inPlatform)
  t.equal(platform.status, 201, `a Service in ${platformSpace}: ${denialOf(platform.body)}`)

  const byTenant = tenantService(uniqueName('web'))
  const reply = await tenant.create(pathOf(byTenant, false), byTenant)
  if (failurePolicy === 'Fail') {
    t.equal(reply.status, 500, 'failurePolicy Fail: the tenant\'s request fails')
    t.match(denialOf(reply.body), /failed calling webhook "validate\.netguard\.io"/)
  } else {
    t.equal(reply.status, 201, 'failurePolicy Ignore: the tenant\'s request passes unchecked')
  }
})
