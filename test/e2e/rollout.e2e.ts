// Backend: the real kube-apiserver and etcd started by `npm run e2e` (test/e2e/run.ts), calling
// two netguard replicas behind one URL (harness/service-proxy.ts stands in for the Service). The
// API server's own HTTP client keeps connections to a replica alive and does not retry a reset
// POST: whether a rolling restart fails an admission is only visible with that client.
// Depends on issue 13 (SIGTERM drains without resetting reviews).
import t from 'tap'
import { denialOf, e2eCluster, pathOf, tenantNamespace, uniqueName } from './harness/e2e.ts'
import { startNetguardReplica, stopReplica } from './harness/replicas.ts'
import { ServiceProxy } from './harness/service-proxy.ts'
import { freePorts } from './harness/cluster.ts'

const cluster = e2eCluster()
t.teardown(() => cluster.close())
const { state, admin, tenant } = cluster
const namespace = await tenantNamespace(cluster, 'steady')

interface WebhookConfiguration { metadata: { name: string }, webhooks: Array<{ clientConfig: { url: string } }> }
const KINDS = ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations']

/** Points both webhook configurations at `base`; resolves with a function that puts them back. */
async function repoint (base: string): Promise<() => Promise<void>> {
  const originals: Array<{ kind: string, object: WebhookConfiguration }> = []
  for (const kind of KINDS) {
    const list = await admin.request<{ items: WebhookConfiguration[] }>('GET', `/apis/admissionregistration.k8s.io/v1/${kind}`)
    for (const object of list.body.items) {
      originals.push({ kind, object: structuredClone(object) })
      for (const webhook of object.webhooks) webhook.clientConfig.url = webhook.clientConfig.url.replace(state.netguard.url, base)
      const reply = await admin.replace(`/apis/admissionregistration.k8s.io/v1/${kind}/${object.metadata.name}`, object)
      if (reply.status !== 200) throw new Error(`repointing ${object.metadata.name}: ${reply.status} ${denialOf(reply.body)}`)
    }
  }
  return async () => {
    for (const { kind, object } of originals) {
      const current = await admin.get(`/apis/admissionregistration.k8s.io/v1/${kind}/${object.metadata.name}`)
      await admin.replace(`/apis/admissionregistration.k8s.io/v1/${kind}/${object.metadata.name}`, { ...object, metadata: current.body.metadata })
    }
  }
}

t.test('SIGTERM to one of two replicas under steady admissions fails none', async (t) => {
  const [secondPort] = await freePorts(1)
  if (secondPort === undefined) throw new Error('no free port')
  const second = await startNetguardReplica(state, 'netguard-1', secondPort)
  t.teardown(async () => { await second.stop() })
  const proxy = await ServiceProxy.start([state.netguard.port, secondPort])
  t.teardown(async () => { await proxy.close() })
  const restore = await repoint(`https://127.0.0.1:${proxy.port}`)
  t.teardown(restore)

  // Admissions at a steady pace (dry runs: each is a full review, nothing piles up in etcd),
  // from several clients at once, as a busy cluster's API server sends them.
  const failures: string[] = []
  let sent = 0
  const done = new AbortController()
  const worker = async (): Promise<void> => {
    while (!done.signal.aborted) {
      const object = { apiVersion: 'v1', kind: 'Service', metadata: { name: uniqueName('svc'), namespace }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }
      sent++
      const reply = await tenant.create(pathOf(object, false), object, { dryRun: true })
      if (reply.status !== 201) failures.push(`${reply.status} ${denialOf(reply.body)}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  const workers = Array.from({ length: 4 }, worker)

  await new Promise((resolve) => setTimeout(resolve, 3000))
  t.ok((proxy.connections.get(secondPort) ?? 0) > 0, 'the API server has connections to the second replica')
  // The pod is deleted: its endpoint goes (no new connections) and it gets SIGTERM.
  proxy.remove(secondPort)
  const terminated = stopReplica(state, 'netguard-1')
  await terminated
  await new Promise((resolve) => setTimeout(resolve, 3000))
  done.abort()
  await Promise.all(workers)

  t.ok(sent > 50, `${sent} admissions sent across the restart`)
  t.same([...new Set(failures)].slice(0, 5), [], `no admission failed (${failures.length} did)`)
})
