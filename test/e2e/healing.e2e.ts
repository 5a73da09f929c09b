// Backend: the real kube-apiserver and etcd started by `npm run e2e` (test/e2e/run.ts). On a real
// API server the watch event of the reconciler's own write can arrive before the write's
// response: only the real thing shows whether a default policy deleted or changed by an admin
// soon after the reconciler wrote it comes back at once, or waits for an unrelated event.
import t from 'tap'
import type { TestContext } from '../helpers/tap.ts'
import { e2eCluster, eventually, tenantNamespace } from './harness/e2e.ts'

const cluster = e2eCluster()
t.teardown(() => cluster.close())

interface NetworkPolicyList { items: Array<{ metadata: { name: string, uid: string } }> }
const HEALED_WITHIN_MS = 5000

async function managedPolicies (namespace: string): Promise<Map<string, string>> {
  const reply = await cluster.admin.request<NetworkPolicyList>('GET', `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`, { query: { labelSelector: 'app.kubernetes.io/managed-by=netguard' } })
  return new Map(reply.body.items.map((item) => [item.metadata.name, item.metadata.uid]))
}

async function isolatedNamespace (t: TestContext): Promise<string> {
  const namespace = await tenantNamespace(cluster, 'heal')
  await eventually(t, 'the default policies', async () => (await managedPolicies(namespace)).size === 4)
  return namespace
}

t.test(`a default policy an admin deleted is back within ${HEALED_WITHIN_MS / 1000} s`, async (t) => {
  const namespace = await isolatedNamespace(t)
  const before = (await managedPolicies(namespace)).get('netguard-deny-by-default')
  const deleted = await cluster.admin.delete(`/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies/netguard-deny-by-default`)
  t.equal(deleted.status, 200)
  await eventually(t, 'the deleted policy to come back', async () => {
    const uid = (await managedPolicies(namespace)).get('netguard-deny-by-default')
    return uid !== undefined && uid !== before
  }, HEALED_WITHIN_MS)
})

t.test(`a default policy an admin changed is put back within ${HEALED_WITHIN_MS / 1000} s`, async (t) => {
  const namespace = await isolatedNamespace(t)
  const path = `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies/netguard-allow-same-namespace`
  const current = (await cluster.admin.get(path)).body as { spec: Record<string, unknown> }
  const changed = await cluster.admin.replace(path, { ...current, spec: { ...current.spec, ingress: [] } })
  t.equal(changed.status, 200)
  await eventually(t, 'the same-namespace rule to be restored', async () => {
    const spec = (await cluster.admin.get(path)).body.spec as { ingress?: unknown[] }
    return JSON.stringify(spec.ingress) === JSON.stringify([{ from: [{ podSelector: {} }] }])
  }, HEALED_WITHIN_MS)
})
