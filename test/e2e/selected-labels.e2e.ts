// Backend: the real kube-apiserver and etcd started by `npm run e2e` (test/e2e/run.ts), with the
// chart's webhook configurations and the EgressIP CRD. NS-SELECTED-LABELS reads what selects a
// label from netguard's EgressIP cache, which follows the API server's watch: an EgressIP an admin
// creates makes its selector's key the admin's within moments, for a tenant's merge patch as
// the API server sends it (an UPDATE with the old object).
import t from 'tap'
import { denialOf, e2eCluster, eventually, tenantNamespace, uniqueName } from './harness/e2e.ts'

const cluster = e2eCluster()
t.teardown(() => cluster.close())
const { admin, tenant } = cluster

const labelsOf = async (namespace: string): Promise<Record<string, string>> =>
  ((await admin.get(`/api/v1/namespaces/${namespace}`)).body.metadata as { labels?: Record<string, string> }).labels ?? {}

t.test('a tenant cannot label its namespace into an EgressIP an admin created, nor out of it', async (t) => {
  // A key of its own, so that no other test's namespaces carry it.
  const key = uniqueName('egress-team')
  const name = uniqueName('team-egress')
  const created = await admin.create('/apis/k8s.ovn.org/v1/egressips', {
    apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name }, spec: { egressIPs: ['192.0.2.77'], namespaceSelector: { matchLabels: { [key]: 'blue' } } }
  })
  t.equal(created.status, 201, `the admin's EgressIP: ${denialOf(created.body)}`)
  t.teardown(async () => { await admin.delete(`/apis/k8s.ovn.org/v1/egressips/${name}`) })
  const own = await tenantNamespace(cluster, 'labels')

  let message = ''
  await eventually(t, 'the EgressIP in netguard\'s cache: the tenant\'s label refused', async () => {
    const reply = await tenant.mergePatch(`/api/v1/namespaces/${own}`, { metadata: { labels: { [key]: 'blue' } } })
    message = denialOf(reply.body)
    return reply.status === 403
  })
  t.match(message, `[NS-SELECTED-LABELS] setting metadata.labels["${key}"] to "blue" is reserved to exempt users and groups: an EgressIP selects namespaces by it`)
  t.notMatch(message, name, 'the tenant is not told which EgressIP')
  t.notOk(key in await labelsOf(own), 'the label is not set')

  const set = await admin.mergePatch(`/api/v1/namespaces/${own}`, { metadata: { labels: { [key]: 'blue' } } })
  t.equal(set.status, 200, `an admin may set it: ${denialOf(set.body)}`)
  const removed = await tenant.mergePatch(`/api/v1/namespaces/${own}`, { metadata: { labels: { [key]: null } } })
  t.equal(removed.status, 403, `the tenant may not remove it: ${denialOf(removed.body)}`)
  t.equal((await labelsOf(own))[key], 'blue', 'the label stays')
  const free = await tenant.mergePatch(`/api/v1/namespaces/${own}`, { metadata: { labels: { [uniqueName('app')]: 'shop' } } })
  t.equal(free.status, 200, `a key nobody selects by is the tenant's: ${denialOf(free.body)}`)
})
