// Backend: the real kube-apiserver and etcd started by `npm run e2e` (test/e2e/run.ts), with the
// chart's webhook configurations. The hole is in how the API server matches a Namespace against
// the webhooks' namespaceSelector (a Namespace is matched by its own labels), so only the real
// API server can show that the entry guarding the ignore label is not skipped by that label.
// Depends on issues 12 and 13 (the ignore-label guard and its webhook entry).
import t from 'tap'
import { denialOf, e2eCluster, eventually, tenantNamespace, uniqueName } from './harness/e2e.ts'
import { loggedReviews } from './harness/netguard-log.ts'

const cluster = e2eCluster()
t.teardown(() => cluster.close())
const { state, admin, tenant } = cluster

const GUARDED = [
  { label: 'netguard.io/ignore', value: 'true' },
  { label: 'openshift.io/run-level', value: '0' }
]

for (const { label, value } of GUARDED) {
  t.test(`a tenant cannot create a Namespace with ${label}`, async (t) => {
    const name = uniqueName('escape')
    const reply = await tenant.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [label]: value } } })
    t.equal(reply.status, 403, `refused: ${denialOf(reply.body)}`)
    t.match(denialOf(reply.body), new RegExp(label.replace(/[./]/g, '\\$&')), 'the message names the label')
    t.equal((await admin.get(`/api/v1/namespaces/${name}`)).status, 404, 'nothing was stored')
  })

  t.test(`a tenant cannot put ${label} on its namespace`, async (t) => {
    const name = await tenantNamespace(cluster, 'own')
    const reply = await tenant.mergePatch(`/api/v1/namespaces/${name}`, { metadata: { labels: { [label]: value } } })
    t.equal(reply.status, 403, `refused: ${denialOf(reply.body)}`)
    const labels = ((await admin.get(`/api/v1/namespaces/${name}`)).body.metadata as { labels: Record<string, string> }).labels
    t.notOk(label in labels, 'the label is not set')
  })

  t.test(`the guard is still called for a Namespace that has ${label}`, async (t) => {
    const name = uniqueName('ignored')
    const created = await admin.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [label]: value } } })
    t.equal(created.status, 201, `an admin may set it: ${denialOf(created.body)}`)
    const before = loggedReviews(state).filter((review) => review.name === name).length
    const reply = await tenant.mergePatch(`/api/v1/namespaces/${name}`, { metadata: { labels: { [label]: null } } })
    t.equal(reply.status, 403, `a tenant may not remove it: ${denialOf(reply.body)}`)
    await eventually(t, `a review of ${name} in netguard's log`, async () => loggedReviews(state).filter((review) => review.name === name).length > before)
  })
}
