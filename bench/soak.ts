// Soak: one `netguard serve` in its own process under steady keep-alive load from several
// connections, while its serving certificate rotates (the `..data` symlink swap of a Secret
// volume), a policy file is rewritten (a good and a broken version in turn), and the API-server
// double cuts every watch, forgets its history and answers the relists with 429 (Retry-After),
// 500 and 410. Every review must be answered; RSS at the end must be within 10 % of RSS after
// warm-up. `npm run soak -- --duration 600` for a long run; the last line is the summary.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { NAMESPACES, resourceFor, ROUTES, SERVICES } from '../src/kube/resources.ts'
import { parseApiVersion, type KubeObject } from '../src/kube/types.ts'
import { ensureDevCertificates } from '../src/tls/dev-certs.ts'
import { FakeApiServer } from '../test/helpers/fake-apiserver.ts'
import { reviewOf } from '../test/helpers/review.ts'
import { realCluster, realRoute, realService } from '../test/helpers/real-objects.ts'
import { httpsJson, runLoad, servedFingerprint, type Review } from './lib/load.ts'
import { startNetguard, type Runtime } from './lib/netguard-process.ts'

export interface SoakOptions {
  readonly durationS: number
  readonly runtime: Runtime
  /** @default 8 */
  readonly connections?: number
  /** RSS is first measured after this long. @default a quarter of the duration, at most 30 s */
  readonly warmupS?: number
  /** Where progress lines go. @default console.log */
  readonly print?: (line: string) => void
}

export interface SoakResult {
  readonly reviews: number
  readonly failed: number
  readonly failures: ReadonlyMap<string, number>
  /** Certificate swaps a new connection was then served. */
  readonly rotations: number
  readonly rotationsAttempted: number
  /** Policy reloads the server counted (good versions), and refused ones (broken versions). */
  readonly reloads: number
  readonly failedReloads: number
  readonly goodWrites: number
  readonly brokenWrites: number
  readonly watchDrops: number
  readonly faultsAnswered: ReadonlyMap<number, number>
  readonly rssStartMb: number
  readonly rssEndMb: number
  /** The last line of the report, in the fixed format. */
  readonly summary: string
  /** What went wrong, if anything: empty when the soak passed. */
  readonly problems: readonly string[]
}

const ROUTES_POLICY = fileURLToPath(new URL('../policies/routes.yaml', import.meta.url))
const POLICIES = fileURLToPath(new URL('../policies/', import.meta.url))
const EXAMPLES = fileURLToPath(new URL('../examples/reviews/', import.meta.url))
const CLUSTER = { namespaces: 50, services: 300, routes: 100 }
const ROTATE_MS = 10_000
const POLICY_MS = 7_000
const DROP_MS = 15_000
const CHURN_MS = 1_000
/** Answers the soak injects (410 also comes by itself, as a watch event, after each compaction). */
const INJECTED = new Set([410, 429, 500])

/** How long each end of the run is sampled for the RSS comparison. */
const RSS_WINDOW_MS = 5_000

function medianMb (samples: readonly { mb: number }[]): number {
  const sorted = samples.map(({ mb }) => mb).sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

export async function runSoak (options: SoakOptions): Promise<SoakResult> {
  const print = options.print ?? ((line: string) => console.log(line))
  const durationMs = options.durationS * 1000
  const warmupMs = (options.warmupS ?? Math.min(30, options.durationS / 4)) * 1000
  const dir = mkdtempSync(join(tmpdir(), 'netguard-soak-'))
  const fake = await FakeApiServer.start()
  const timers: NodeJS.Timeout[] = []
  let stopServer = async (): Promise<void> => {}
  try {
    print(`soak: ${options.durationS} s, machine load ${loadavg().map((load) => load.toFixed(2)).join(' ')} (1, 5, 15 min), node ${process.version}, runtime ${options.runtime}`)
    seedCluster(fake)
    const certs = await twoServingPairs(join(dir, 'certs'))
    const secret = new SecretVolume(join(dir, 'tls'))
    secret.write(certs.pairs[0])
    const policies = join(dir, 'policies')
    cpSync(POLICIES, policies, { recursive: true, filter: (source) => !source.includes('/examples') })
    const server = await startNetguard({
      runtime: options.runtime,
      ca: certs.ca,
      logFile: join(dir, 'netguard.log'),
      args: ['--cert', secret.certFile, '--key', secret.keyFile, '--policies', policies, '--kubeconfig', fake.writeKubeconfig(dir, 'netguard'), '--log-level', 'warn'],
      env: { NETGUARD_NAMESPACE: 'netguard', POD_NAME: 'netguard-soak' }
    })
    stopServer = server.stop
    const started = performance.now()
    const elapsed = (): number => performance.now() - started
    const end = new Promise<void>((resolve) => timers.push(setTimeout(resolve, durationMs)))
    const every = (ms: number, task: () => Promise<void> | void): void => {
      timers.push(setInterval(() => { if (elapsed() < durationMs - 500) Promise.resolve(task()).catch((error: unknown) => problems.push(String(error))) }, ms))
    }
    const problems: string[] = []

    const rotation = { attempted: 0, served: 0, next: 1 }
    every(ROTATE_MS, async () => {
      const pair = certs.pairs[rotation.next % 2] as ServingPair
      rotation.next++
      rotation.attempted++
      secret.write(pair)
      if (await until(async () => await servedFingerprint(server.port, certs.ca) === pair.fingerprint, 5000)) rotation.served++
      else problems.push(`rotation ${rotation.attempted} was not served within 5 s`)
    })

    const writes = { good: 0, broken: 0 }
    const routesPolicy = readFileSync(ROUTES_POLICY, 'utf8')
    every(POLICY_MS, () => {
      const good = (writes.good + writes.broken) % 2 === 0
      if (good) writes.good++
      else writes.broken++
      // A ConfigMap volume swaps whole files too: write beside, then rename over.
      const text = good ? `${routesPolicy}\n# soak revision ${writes.good}\n` : routesPolicy.replace('ROUTE-TLS:\n      action: deny', 'ROUTE-TLS:\n      action: maybe')
      writeFileSync(join(policies, '.routes.yaml.tmp'), text)
      renameSync(join(policies, '.routes.yaml.tmp'), join(policies, 'routes.yaml'))
    })

    const faults = [{ status: 429, retryAfter: 1 }, { status: 500 }, { status: 410, query: 'continue' }]
    let drops = 0
    every(DROP_MS, () => {
      // Cut every watch and forget the history: each informer must relist, and its relist is refused once.
      fake.dropWatches()
      fake.compact()
      const fault = faults[drops % faults.length] as { status: number, retryAfter?: number, query?: string }
      fake.failNext({ method: 'GET', query: fault.query ?? 'limit' }, fault.status, 2, { retryAfterSeconds: fault.retryAfter })
      drops++
    })

    let churn = 0
    every(CHURN_MS, () => {
      // Other clients' writes, so that watches carry events and caches change under the reviews.
      churn++
      fake.put(SERVICES, realService(churn * 7 % CLUSTER.services, CLUSTER.namespaces, CLUSTER.services / CLUSTER.namespaces))
      fake.put(ROUTES, { ...realRoute(churn % CLUSTER.routes, CLUSTER.namespaces, CLUSTER.routes / CLUSTER.namespaces), metadata: { ...realRoute(churn % CLUSTER.routes, CLUSTER.namespaces, CLUSTER.routes / CLUSTER.namespaces).metadata, labels: { churn: String(churn) } } })
    })

    // RSS once a second: a heap under load is a sawtooth (133 to 160 MB and back within 20 s, here),
    // so one reading at each end would compare a peak with a trough. Each end is the median of
    // its RSS_WINDOW_MS: the first after the warm-up, the last of the run.
    const rss: { at: number, mb: number }[] = []
    timers.push(setInterval(() => rss.push({ at: elapsed(), mb: server.rssMb() }), 1000))
    const reviews = reviewMix()
    const load = await runLoad({ port: server.port, ca: certs.ca, connections: options.connections ?? 8, next: (sequence) => reviews[sequence % reviews.length] as Review, until: end })
    for (const timer of timers) clearTimeout(timer)
    const rssStartMb = medianMb(rss.filter(({ at }) => at >= warmupMs && at < warmupMs + RSS_WINDOW_MS))
    const rssEndMb = medianMb(rss.filter(({ at }) => at > durationMs - RSS_WINDOW_MS))
    const ready = (await httpsJson(server.port, '/readyz', certs.ca)).body as { policy: { reloads: number, failedReloads: number } }
    await server.stop()

    const faultsAnswered = new Map<number, number>()
    for (const request of fake.requests) if (INJECTED.has(request.status)) faultsAnswered.set(request.status, (faultsAnswered.get(request.status) ?? 0) + 1)
    if (load.failed > 0) problems.push(`${load.failed} reviews failed: ${JSON.stringify(Object.fromEntries(load.failures))}`)
    if (!(rssEndMb <= rssStartMb * 1.1)) problems.push(`RSS grew from ${rssStartMb.toFixed(1)} MB to ${rssEndMb.toFixed(1)} MB, more than 10 %`)
    if (ready.policy.reloads < writes.good) problems.push(`${writes.good} good policy versions written, ${ready.policy.reloads} reloads`)
    if (ready.policy.failedReloads < writes.broken) problems.push(`${writes.broken} broken policy versions written, ${ready.policy.failedReloads} refused`)
    print(`soak: certificate ${rotation.attempted} swaps, ${rotation.served} served to new connections; policy ${writes.good} good and ${writes.broken} broken versions written, ${ready.policy.reloads} reloaded and ${ready.policy.failedReloads} refused`)
    print(`soak: API server ${drops} times cut every watch and forgot its history; answered ${[...faultsAnswered].map(([status, count]) => `${count} × ${status}`).join(', ') || 'no 410, 429 or 500'}`)
    if (problems.length > 0) print(`soak: FAILED: ${problems.join('; ')}`)
    const summary = `soak: ${load.reviews} reviews, ${load.failed} failed, rotations ${rotation.served}, reloads ${ready.policy.reloads}, rss start ${rssStartMb.toFixed(1)} MB end ${rssEndMb.toFixed(1)} MB`
    print(summary)
    return {
      reviews: load.reviews,
      failed: load.failed,
      failures: load.failures,
      rotations: rotation.served,
      rotationsAttempted: rotation.attempted,
      reloads: ready.policy.reloads,
      failedReloads: ready.policy.failedReloads,
      goodWrites: writes.good,
      brokenWrites: writes.broken,
      watchDrops: drops,
      faultsAnswered,
      rssStartMb,
      rssEndMb,
      summary,
      problems
    }
  } finally {
    for (const timer of timers) clearTimeout(timer)
    await stopServer()
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A small real-shaped cluster; a fifth of the namespaces isolated, so the reconciler has work. */
function seedCluster (fake: FakeApiServer): void {
  fake.put(NAMESPACES, { metadata: { name: 'netguard' } })
  let index = 0
  for (const object of realCluster(CLUSTER)) {
    const resource = resourceFor({ group: parseApiVersion(object.apiVersion).group, kind: object.kind ?? '' })
    if (resource === undefined) continue
    const isolated = object.kind === 'Namespace' && index++ % 5 === 0
    fake.put(resource, isolated ? { ...object, metadata: { ...object.metadata, labels: { ...object.metadata?.labels, 'netguard.io/isolation': 'default-deny' } } } : object)
  }
}

/** Example reviews of several kinds, and cluster-aware ones that claim a taken host or DNS name. */
function reviewMix (): Review[] {
  const example = (name: string, path: Review['path'] = '/validate'): Review =>
    ({ path, body: JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), 'utf8')) as Review['body'] })
  const claim = (object: KubeObject): Review => ({
    path: '/validate',
    body: reviewOf({ ...object, metadata: { name: `${object.metadata?.name ?? ''}-again`, namespace: object.metadata?.namespace, annotations: object.metadata?.annotations } })
  })
  return [
    example('service-clusterip-allowed'),
    claim(realRoute(3, CLUSTER.namespaces, CLUSTER.routes / CLUSTER.namespaces)),
    example('namespace-create-isolated', '/mutate'),
    example('networkpolicy-allow-all-ingress'),
    claim(realService(6, CLUSTER.namespaces, CLUSTER.services / CLUSTER.namespaces)),
    example('route-edge-redirect'),
    example('pod-networks-allowed'),
    example('ingress-tls')
  ]
}

interface ServingPair { readonly cert: string, readonly key: string, readonly fingerprint: string }

/** A development CA and two serving certificates it signed, to rotate between. */
async function twoServingPairs (dir: string): Promise<{ ca: string, pairs: readonly [ServingPair, ServingPair] }> {
  const names = ['localhost', '127.0.0.1']
  const first = await ensureDevCertificates(join(dir, 'a'), names, new Date())
  mkdirSync(join(dir, 'b'), { recursive: true })
  for (const file of ['ca.crt', 'ca.key']) copyFileSync(join(dir, 'a', file), join(dir, 'b', file))
  const second = await ensureDevCertificates(join(dir, 'b'), names, new Date())
  const pair = (certs: typeof first): ServingPair => ({ cert: certs.pair.cert, key: certs.pair.key, fingerprint: certs.pair.certificate.fingerprint256 })
  return { ca: first.caPem, pairs: [pair(first), pair(second)] }
}

/**
 * A directory laid out as the kubelet lays out a Secret volume: the files are symlinks through
 * `..data` to a timestamped directory, and an update writes a new directory and swaps `..data`
 * in one rename.
 */
class SecretVolume {
  readonly certFile: string
  readonly keyFile: string
  private readonly dir: string
  private version = 0
  private current: string | undefined

  constructor (dir: string) {
    this.dir = dir
    mkdirSync(dir, { recursive: true })
    this.certFile = join(dir, 'tls.crt')
    this.keyFile = join(dir, 'tls.key')
  }

  write (pair: ServingPair): void {
    const next = `..${new Date().toISOString().replace(/[-:.]/g, '_')}.${++this.version}`
    mkdirSync(join(this.dir, next))
    writeFileSync(join(this.dir, next, 'tls.crt'), pair.cert)
    writeFileSync(join(this.dir, next, 'tls.key'), pair.key, { mode: 0o600 })
    symlinkSync(next, join(this.dir, '..data_tmp'))
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'))
    if (this.current === undefined) {
      symlinkSync(join('..data', 'tls.crt'), this.certFile)
      symlinkSync(join('..data', 'tls.key'), this.keyFile)
    } else {
      rmSync(join(this.dir, this.current), { recursive: true, force: true })
    }
    this.current = next
  }
}

async function until (condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (await condition().catch(() => false)) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '60' }, runtime: { type: 'string', default: 'dist' }, connections: { type: 'string', default: '8' } } })
  const result = await runSoak({ durationS: Number(values.duration), runtime: values.runtime as Runtime, connections: Number(values.connections) })
  if (result.problems.length > 0) process.exitCode = 1
}
