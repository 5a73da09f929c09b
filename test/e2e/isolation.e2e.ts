// Backend: the real kube-apiserver and etcd started by `npm run e2e` (test/e2e/run.ts). The
// isolation label arrives through the API server applying netguard's JSONPatch, and the
// reconciler writes with the chart's ClusterRole bound to its service account's token: whether
// the patch applies and whether the role suffices is the real API server's call, not a double's.
// Healing after a delete or a change: healing.e2e.ts.
import t from 'tap'
import { denialOf, e2eCluster, eventually, tenantNamespace } from './harness/e2e.ts'

const cluster = e2eCluster()
t.teardown(() => cluster.close())

const DEFAULT_POLICIES = ['netguard-allow-from-ingress', 'netguard-allow-from-monitoring', 'netguard-allow-same-namespace', 'netguard-deny-by-default']
const MANAGED = 'app.kubernetes.io/managed-by=netguard'

interface NetworkPolicyList { items: Array<{ metadata: { name: string, uid: string } }> }

async function managedPolicies (namespace: string): Promise<Map<string, string>> {
  const reply = await cluster.admin.request<NetworkPolicyList>('GET', `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`, { query: { labelSelector: MANAGED } })
  return new Map(reply.body.items.map((item) => [item.metadata.name, item.metadata.uid]))
}

const namespace = await tenantNamespace(cluster, 'team')

t.test('a tenant\'s new Namespace gets the isolation label through the real JSONPatch', async (t) => {
  const stored = await cluster.admin.get(`/api/v1/namespaces/${namespace}`)
  const labels = (stored.body.metadata as { labels?: Record<string, string> }).labels ?? {}
  t.equal(labels['netguard.io/isolation'], 'default-deny', 'labelled by the mutating webhook')
  t.equal(labels['kubernetes.io/metadata.name'], namespace, 'the API server\'s own label is kept')
})

t.test('the reconciler creates the default NetworkPolicies with the chart\'s ClusterRole', async (t) => {
  await eventually(t, 'the four default policies', async () => (await managedPolicies(namespace)).size === DEFAULT_POLICIES.length)
  t.same([...(await managedPolicies(namespace)).keys()].sort(), DEFAULT_POLICIES)
})

t.test('netguard\'s service account holds the chart\'s rights and no more', async (t) => {
  const { state } = cluster
  const user = `system:serviceaccount:${state.netguard.namespace}:${state.netguard.serviceAccount}`
  const can = async (verb: string, resource: string, group: string): Promise<boolean> => {
    const reply = await cluster.admin.create('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user, groups: ['system:serviceaccounts', `system:serviceaccounts:${state.netguard.namespace}`, 'system:authenticated'], resourceAttributes: { verb, resource, group, namespace } }
    })
    return (reply.body.status as { allowed?: boolean }).allowed === true
  }
  t.ok(await can('create', 'networkpolicies', 'networking.k8s.io'), 'may create NetworkPolicies')
  t.ok(await can('update', 'networkpolicies', 'networking.k8s.io'), 'may restore NetworkPolicies')
  t.notOk(await can('delete', 'networkpolicies', 'networking.k8s.io'), 'may not delete NetworkPolicies')
  t.notOk(await can('create', 'services', ''), 'may not create Services')
})

t.test('a tenant cannot delete a managed policy; an admin can', async (t) => {
  const path = `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies/netguard-deny-by-default`
  const before = (await managedPolicies(namespace)).get('netguard-deny-by-default')
  t.ok(before, 'the managed policy exists')

  const byTenant = await cluster.tenant.delete(path)
  t.equal(byTenant.status, 403, 'the tenant\'s delete is refused')
  t.match(denialOf(byTenant.body), /^admission webhook "validate\.netguard\.io" denied the request: .*\[NETPOL-MANAGED\]/)
  t.equal((await managedPolicies(namespace)).get('netguard-deny-by-default'), before, 'still the same object')

  const byAdmin = await cluster.admin.delete(path)
  t.equal(byAdmin.status, 200, `the admin's delete goes through: ${denialOf(byAdmin.body)}`)
  // How soon the reconciler puts it back is healing.e2e.ts's question.
})

t.test('a tenant cannot take the isolation label off', async (t) => {
  const reply = await cluster.tenant.mergePatch(`/api/v1/namespaces/${namespace}`, { metadata: { labels: { 'netguard.io/isolation': 'none' } } })
  t.equal(reply.status, 403)
  t.match(denialOf(reply.body), /\[NS-ISOLATION-OPTOUT\]/)
})
