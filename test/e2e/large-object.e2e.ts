// Backend: the real kube-apiserver and etcd started by `npm run e2e` (test/e2e/run.ts). The API
// server decides how big a review gets (an UPDATE carries the object and the old object, each up
// to its 3 MiB request limit) and what a webhook that cannot take it costs the client.
// Depends on issue 13 (reviews up to 7 MiB).
//
// Sizes: etcd's client in kube-apiserver sends at most 2 MiB per request, so the largest object a
// cluster can store is a little under that; bigger ones are sent with dryRun=All, which runs
// every admission webhook with the whole object and stores nothing.
import t from 'tap'
import { denialOf, e2eCluster, pathOf, tenantNamespace } from './harness/e2e.ts'

const cluster = e2eCluster()
t.teardown(() => cluster.close())
const { tenant } = cluster
const namespace = await tenantNamespace(cluster, 'big')
const MiB = 1024 * 1024

/** A compliant secondary network whose CNI configuration carries `bytes` of padding. */
function attachment (name: string, bytes: number, marker: string) {
  const config = { cniVersion: '0.3.1', name: `${namespace}-l2`, type: 'ovn-k8s-cni-overlay', topology: 'layer2', netAttachDefName: `${namespace}/${name}`, description: marker.repeat(Math.ceil(bytes / marker.length)).slice(0, bytes) }
  return { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, namespace }, spec: { config: JSON.stringify(config) } }
}

t.test('a 1.9 MiB object is created and updated with netguard in the path (a 3.8 MiB UPDATE review)', async (t) => {
  const object = attachment('stored', 1.9 * MiB, 'a')
  const created = await tenant.create(pathOf(object, false), object)
  t.equal(created.status, 201, `created: ${denialOf(created.body).slice(0, 300)}`)
  const current = created.body as { metadata: Record<string, unknown> }
  const updated = await tenant.replace(pathOf(object), { ...attachment('stored', 1.9 * MiB, 'b'), metadata: current.metadata })
  t.equal(updated.status, 200, `updated: ${denialOf(updated.body).slice(0, 300)}`)
})

t.test('a 2.5 MiB object passes admission on create and on update (a 4.4 MiB UPDATE review)', async (t) => {
  const object = attachment('dry', 2.5 * MiB, 'c')
  const created = await tenant.create(pathOf(object, false), object, { dryRun: true })
  t.equal(created.status, 201, `create admitted: ${denialOf(created.body).slice(0, 300)}`)
  const stored = await tenant.get(pathOf(attachment('stored', 0, 'x')))
  const updated = await tenant.replace(pathOf(attachment('stored', 0, 'x')), { ...attachment('stored', 2.5 * MiB, 'd'), metadata: stored.body.metadata }, { dryRun: true })
  t.equal(updated.status, 200, `update admitted: ${denialOf(updated.body).slice(0, 300)}`)
})

t.test('a large object that breaks a rule is still refused with netguard\'s message', async (t) => {
  const object = attachment('denied', 2.5 * MiB, 'e')
  const config = JSON.parse(object.spec.config) as Record<string, unknown>
  const bad = { ...object, spec: { config: JSON.stringify({ ...config, type: 'host-device', device: 'eth1' }) } }
  const reply = await tenant.create(pathOf(bad, false), bad, { dryRun: true })
  t.equal(reply.status, 403)
  t.match(denialOf(reply.body), /\[NAD-CNI-TYPE\]/)
})
