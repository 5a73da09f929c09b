// netguard on a large cluster: 5,000 namespaces, 30,000 Services and 10,000 Routes as a real
// cluster stores them (managedFields, last-applied-configuration), served by the API-server
// double. Measures the server's RSS after its caches synced, how long the sync took, the p99 of
// cluster-aware reviews, and the reconciler's peak write rate while labelling namespaces for
// isolation. `npm run bench:scale` (builds first); --help for the options.
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CACHED_RESOURCES } from '../src/cluster/caches.ts'
import { DEFAULT_RATE_LIMIT } from '../src/kube/rate-limiter.ts'
import { NAMESPACES, NETWORK_POLICIES, resourceFor } from '../src/kube/resources.ts'
import { parseApiVersion, type KubeObject } from '../src/kube/types.ts'
import { ensureDevCertificates } from '../src/tls/dev-certs.ts'
import { FakeApiServer } from '../test/helpers/fake-apiserver.ts'
import { reviewOf } from '../test/helpers/review.ts'
import { LARGE_CLUSTER, realCluster, realRoute, realService } from '../test/helpers/real-objects.ts'
import { percentile, runLoad, type Review } from './lib/load.ts'
import { IMAGE_NODE_FLAGS, startNetguard, type Runtime } from './lib/netguard-process.ts'

const USAGE = `usage: tsx bench/scale.ts [options]
  --runtime dist|tsx    the compiled server (default; npm run build first) or the sources through tsx
  --namespaces N --services N --routes N   cluster shape (default 5000, 30000, 10000)
  --review-seconds S    cluster-aware reviews after the sync (default 10)
  --label N             namespaces then labelled for isolation, 4 NetworkPolicies each (default 1000; 0 skips)
  --qps N --burst N     the server's write limit (default 20 and 30, as shipped)`

const { values } = parseArgs({
  options: {
    runtime: { type: 'string', default: 'dist' },
    namespaces: { type: 'string', default: String(LARGE_CLUSTER.namespaces) },
    services: { type: 'string', default: String(LARGE_CLUSTER.services) },
    routes: { type: 'string', default: String(LARGE_CLUSTER.routes) },
    'review-seconds': { type: 'string', default: '10' },
    label: { type: 'string', default: '1000' },
    qps: { type: 'string', default: String(DEFAULT_RATE_LIMIT.qps) },
    burst: { type: 'string', default: String(DEFAULT_RATE_LIMIT.burst) },
    help: { type: 'boolean' }
  }
})
if (values.help === true) {
  console.log(USAGE)
  process.exit(0)
}

const shape = { namespaces: Number(values.namespaces), services: Number(values.services), routes: Number(values.routes) }
const runtime = values.runtime as Runtime
const limit = { qps: Number(values.qps), burst: Number(values.burst) }
const label = Number(values.label)
const round = (value: number, digits = 1): string => value.toFixed(digits)
const seconds = (ms: number): string => round(ms / 1000)

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netguard-scale-'))
  const fake = await FakeApiServer.start()
  let stopServer = async (): Promise<void> => {}
  try {
    console.log(`scale: machine load ${loadavg().map((load) => round(load, 2)).join(' ')} (1, 5, 15 min) on ${process.platform}, node ${process.version}, runtime ${runtime} with the image's node flags: ${IMAGE_NODE_FLAGS.join(' ') || 'none'}`)
    fake.put(NAMESPACES, { metadata: { name: 'netguard' } })
    let objects = 0
    for (const object of realCluster(shape)) {
      fake.put(resourceOf(object), object)
      objects++
    }
    const certs = await ensureDevCertificates(join(dir, 'certs'), ['localhost', '127.0.0.1'], new Date())
    const common = { runtime, ca: certs.caPem, logFile: join(dir, 'netguard.log') }
    const tls = ['--cert', certs.certFile, '--key', certs.keyFile, '--log-level', 'warn']

    const idle = await startNetguard({ ...common, args: tls, env: { KUBECONFIG: '' } })
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const idleRss = idle.rssMb()
    const idlePeak = idle.peakMb()
    await idle.stop()
    console.log(`scale: idle (no cluster) rss ${round(idleRss)} MB, peak ${round(idlePeak)} MB`)

    const server = await startNetguard({
      ...common,
      args: [...tls, '--kubeconfig', fake.writeKubeconfig(dir, 'netguard'), '--kube-api-qps', String(limit.qps), '--kube-api-burst', String(limit.burst)],
      env: { NETGUARD_NAMESPACE: 'netguard', POD_NAME: 'netguard-scale' }
    })
    stopServer = server.stop
    const syncMs = await syncTime(fake)
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const rss = server.rssMb()
    console.log(`scale: synced ${objects} objects of ${CACHED_RESOURCES.length} kinds in ${seconds(syncMs)} s; rss ${round(rss)} MB (${round(rss - idleRss)} MB over idle), peak ${round(server.peakMb())} MB`)

    const reviewSeconds = Number(values['review-seconds'])
    const load = await runLoad({
      port: server.port,
      ca: certs.caPem,
      connections: 8,
      next: clusterAwareReview,
      until: new Promise((resolve) => setTimeout(resolve, reviewSeconds * 1000)),
      latencies: true
    })
    if (load.failed > 0) throw new Error(`reviews failed: ${JSON.stringify(Object.fromEntries(load.failures))}`)
    const p99 = percentile(load.latencies, 0.99)
    console.log(`scale: ${load.reviews} cluster-aware reviews in ${reviewSeconds} s over 8 connections, p50 ${round(percentile(load.latencies, 0.5), 2)} ms, p99 ${round(p99, 2)} ms; rss ${round(server.rssMb())} MB`)

    let writesOk = true
    if (label > 0) {
      writesOk = await labelNamespaces(fake, label)
      console.log(`scale: after the writes (${label * 4} more NetworkPolicies cached) rss ${round(server.rssMb())} MB, peak ${round(server.peakMb())} MB`)
    }
    console.log(`scale: objects ${objects}, rss ${round(rss)} MB, sync ${seconds(syncMs)} s, review p99 ${round(p99, 2)} ms`)
    if (!writesOk) process.exitCode = 1
  } finally {
    await stopServer()
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function resourceOf (object: KubeObject) {
  const resource = resourceFor({ group: parseApiVersion(object.apiVersion).group, kind: object.kind ?? '' })
  if (resource === undefined) throw new Error(`no resource for ${object.kind ?? ''}`)
  return resource
}

/** From the first list to the last cached kind's first watch (an informer watches once its list is in the cache). */
async function syncTime (fake: FakeApiServer): Promise<number> {
  const kinds = new Set(CACHED_RESOURCES.map((resource) => `/${resource.plural}`))
  const deadline = Date.now() + 300_000
  for (;;) {
    const watching = new Map<string, number>()
    for (const request of fake.requests) {
      if (request.query.get('watch') !== 'true') continue
      const kind = [...kinds].find((plural) => request.path.endsWith(plural))
      if (kind !== undefined && !watching.has(kind)) watching.set(kind, request.at)
    }
    if (watching.size === kinds.size) {
      const firstList = fake.requests.find((request) => request.method === 'GET' && request.query.get('watch') !== 'true')?.at ?? 0
      return Math.max(...watching.values()) - firstList
    }
    if (Date.now() > deadline) throw new Error(`caches not synced after 300 s: watching ${[...watching.keys()].join(', ')}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Reviews that read the caches: a Route claiming a taken host (10,000 Routes), a Service claiming a taken DNS name (30,000 Services). */
function clusterAwareReview (sequence: number): Review {
  const object = sequence % 2 === 0
    ? realRoute(sequence * 7919, shape.namespaces, Math.ceil(shape.routes / shape.namespaces))
    : realService(sequence * Math.ceil(shape.services / shape.namespaces), shape.namespaces, Math.ceil(shape.services / shape.namespaces))
  return { path: '/validate', body: reviewOf({ ...object, metadata: { ...object.metadata, name: `${object.metadata?.name ?? ''}-new`, managedFields: undefined, uid: undefined } as KubeObject['metadata'] }) }
}

/**
 * Labels `count` namespaces for isolation at once, as a GitOps sync would, and waits until the
 * reconciler has created their 4 NetworkPolicies each. The peak write rate is the most writes the
 * server sent in any one-second window; it must stay at or below QPS + burst.
 */
async function labelNamespaces (fake: FakeApiServer, count: number): Promise<boolean> {
  const names = fake.list(NAMESPACES).map((namespace) => namespace.metadata?.name ?? '').filter((name) => name !== 'netguard').slice(0, count)
  const started = performance.now()
  for (const name of names) {
    const namespace = fake.get(NAMESPACES, name) as KubeObject
    fake.put(NAMESPACES, { ...namespace, metadata: { ...namespace.metadata, labels: { ...namespace.metadata?.labels, 'netguard.io/isolation': 'default-deny' } } })
  }
  const expected = names.length * 4
  const deadline = started + (expected / limit.qps) * 1000 * 1.5 + 60_000
  let created = 0
  while ((created = fake.list(NETWORK_POLICIES).length) < expected) {
    if (performance.now() > deadline) break
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  const elapsed = performance.now() - started
  const writes = fake.requests.filter((request) => request.method !== 'GET' && request.user === 'netguard' && request.at >= started).map((request) => request.at).sort((a, b) => a - b)
  let peak = 0
  for (let first = 0, last = 0; last < writes.length; last++) {
    while ((writes[last] as number) - (writes[first] as number) >= 1000) first++
    peak = Math.max(peak, last - first + 1)
  }
  const ok = created >= expected && peak <= limit.qps + limit.burst
  console.log(`writes: labelled ${names.length} namespaces; ${created} of ${expected} NetworkPolicies in ${seconds(elapsed)} s (${writes.length} writes, Lease included); ` +
    `peak ${peak} writes/s, limit qps ${limit.qps} + burst ${limit.burst} = ${limit.qps + limit.burst}${ok ? '' : ' — NOT MET'}`)
  return ok
}

await main()
