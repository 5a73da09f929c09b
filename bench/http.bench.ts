// Throughput and p99 latency of netguard's /validate against a floor: a bare node:https server
// that parses the same body and answers a fixed allow. Same load generator, concurrency,
// keep-alive HTTPS and duration; 127.0.0.1 only. Both servers run as they would in production:
// netguard as the image runs it (the built bundle, plain node with the image's V8 flags), the
// floor as plain node, each in its own process, measured from outside (CPU time and peak RSS from
// /proc). Under tsx's loader netguard ran ~7 % slower than as built, which is not what a cluster
// runs. `npm run bench` (builds first).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { ensureDevCertificates } from '../src/tls/dev-certs.ts'
import { startNetguard, statusMb, stopChild } from './lib/netguard-process.ts'

type Target = 'netguard' | 'floor'

/** Like the API server, which keeps up to 25 connections per webhook host. */
const CONNECTIONS = 25
/** Long enough for V8 to optimise the review path: the ratio is about a webhook that serves for days. */
const WARMUP_S = 5
const DURATION_S = 3
/** Alternating rounds, so that a burst of load from elsewhere on the machine hits both alike; 12, because with 6 the ratio moved by ±0.06 between runs here. */
const ROUNDS = 12
const TARGETS: readonly Target[] = ['floor', 'netguard']

const REVIEW = readFileSync(new URL('../examples/reviews/service-clusterip-allowed.json', import.meta.url), 'utf8')

/** How long both servers sit idle before their RSS is read: startup garbage is not idle memory. */
const IDLE_S = 5

/** Linux reports a process's CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const MICROS_PER_TICK = 10_000

/** Fastify 5 over TLS with one route: the floor for idle memory. */
const BARE_FASTIFY = `
import Fastify from 'fastify'
import { readFileSync } from 'node:fs'
const app = Fastify({ https: { cert: readFileSync(process.argv[1]), key: readFileSync(process.argv[2]), minVersion: 'TLSv1.2' } })
app.post('/validate', async () => ({ allowed: true }))
await app.listen({ port: 0, host: '127.0.0.1' })
console.log(app.server.address().port)`

/** node:https that parses the body and answers a fixed allow: the floor for throughput and latency. */
const BARE_HTTPS = `
import { createServer } from 'node:https'
import { readFileSync } from 'node:fs'
const server = createServer({ cert: readFileSync(process.argv[1]), key: readFileSync(process.argv[2]), minVersion: 'TLSv1.2', keepAliveTimeout: 120_000 }, (req, res) => {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    const review = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } }))
  })
})
server.listen(0, '127.0.0.1', () => console.log(server.address().port))`

interface Server { readonly child: ChildProcess, readonly port: number }

/** Runs one of the bare servers above with plain node; resolves once it prints its port. */
async function startBare (source: string, certDir: string): Promise<Server> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source, join(certDir, 'tls.crt'), join(certDir, 'tls.key')], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (line: Buffer) => resolve(Number(line.toString().trim())))
    child.once('exit', (code) => reject(new Error(`a bare server exited with ${String(code)} before listening`)))
  })
  return { child, port }
}

/** User and system CPU time of a process (every thread), in µs, from /proc/<pid>/stat. */
function cpuMicros (pid: number): number {
  // Fields after the parenthesised command name: state is the 1st, utime the 12th, stime the 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK
}

interface Measure { readonly rps: number, readonly p99: number, readonly cpuPerRequest: number }

async function load ({ child, port }: Server, seconds: number): Promise<Measure> {
  const cpuBefore = cpuMicros(child.pid ?? 0)
  const latencies: number[] = []
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: `https://127.0.0.1:${port}/validate`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: REVIEW,
      connections: CONNECTIONS,
      pipelining: 1,
      duration: seconds
    }, (error: unknown, done) => { if (error === null || error === undefined) resolve(done); else reject(error) })
    // autocannon's percentiles are whole milliseconds, too coarse for a ratio of 3 ms latencies.
    instance.on('response', (_client, _status, _bytes, milliseconds) => { latencies.push(milliseconds) })
  })
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`port ${port}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`)
  }
  return { rps: result.requests.average, p99: percentile(latencies, 0.99), cpuPerRequest: (cpuMicros(child.pid ?? 0) - cpuBefore) / result.requests.total }
}

function percentile (values: number[], rank: number): number {
  const sorted = values.sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(rank * sorted.length))] ?? Number.NaN
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const round = (value: number, digits = 2): number => Number(value.toFixed(digits))

async function main (): Promise<void> {
  const certDir = mkdtempSync(join(tmpdir(), 'netguard-bench-'))
  const children: ChildProcess[] = []
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { for (const child of children) child.kill('SIGKILL') })
  try {
    const { caPem } = await ensureDevCertificates(certDir, ['127.0.0.1', 'localhost'], new Date())
    // HOME without ~/.kube/config and no KUBECONFIG: the cluster caches stay off, as in a plain npm start.
    const netguard = await startNetguard({
      runtime: 'dist', ca: caPem, logFile: join(certDir, 'netguard.log'), args: ['--cert', join(certDir, 'tls.crt'), '--key', join(certDir, 'tls.key'), '--log-level', 'warn'], env: { HOME: certDir }
    })
    children.push(netguard.child)
    const fastify = await startBare(BARE_FASTIFY, certDir)
    children.push(fastify.child)
    await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000))
    const idle = { netguard: netguard.rssMb(), fastify: statusMb(fastify.child.pid ?? 0, 'VmRSS') }
    await stopChild(fastify.child, 5000)
    console.log(`bench: idle RSS after ${IDLE_S} s: netguard ${round(idle.netguard, 1)} MB, bare Fastify over TLS ${round(idle.fastify, 1)} MB ` +
      `(ratio ${round(idle.netguard / idle.fastify)}, +${round(idle.netguard - idle.fastify, 1)} MB; built server, bundled policies, no cluster)`)

    const floor = await startBare(BARE_HTTPS, certDir)
    children.push(floor.child)
    const servers: Record<Target, Server> = { netguard, floor }
    console.log(`bench: ${CONNECTIONS} keep-alive HTTPS connections, ${ROUNDS} alternating rounds of ${DURATION_S} s each after ${WARMUP_S} s warm-up, body ${Buffer.byteLength(REVIEW)} bytes`)
    for (const target of TARGETS) await load(servers[target], WARMUP_S)
    const results: Record<Target, Measure[]> = { netguard: [], floor: [] }
    for (let index = 0; index < ROUNDS; index++) {
      for (const target of index % 2 === 0 ? TARGETS : [...TARGETS].reverse()) {
        const result = await load(servers[target], DURATION_S)
        console.log(`round ${index + 1} ${target.padEnd(8)} ${Math.round(result.rps)} req/s, p99 ${round(result.p99)} ms, server CPU ${Math.round(result.cpuPerRequest)} µs/request`)
        results[target].push(result)
      }
    }
    // Medians of the ratios of each round's pair, run back to back: the machine (a shared VM)
    // drifts in speed by 20 % and more over a minute, and a pair sees the same machine.
    const ratio = (of: (measure: Measure) => number): number => median(results.netguard.map((measure, index) => of(measure) / of(results.floor[index]!)))
    const summary = (measures: readonly Measure[]): Measure => ({
      rps: median(measures.map((m) => m.rps)),
      p99: median(measures.map((m) => m.p99)),
      cpuPerRequest: median(measures.map((m) => m.cpuPerRequest))
    })
    const ours = summary(results.netguard)
    const bare = summary(results.floor)
    const peak = { netguard: netguard.peakMb(), floor: statusMb(floor.child.pid ?? 0, 'VmHWM') }
    console.log(`bench: peak RSS under load: netguard ${round(peak.netguard, 1)} MB, floor ${round(peak.floor, 1)} MB (ratio ${round(peak.netguard / peak.floor)})`)
    console.log(`bench: server CPU per request: netguard ${Math.round(ours.cpuPerRequest)} µs, floor ${Math.round(bare.cpuPerRequest)} µs (ratio ${round(ratio((m) => m.cpuPerRequest))})`)
    console.log(`bench: throughput ratio ${round(ratio((m) => m.rps))} p99 ratio ${round(ratio((m) => m.p99))} ` +
      `(medians: netguard ${Math.round(ours.rps)} req/s, p99 ${round(ours.p99)} ms; floor ${Math.round(bare.rps)} req/s, p99 ${round(bare.p99)} ms)`)
  } finally {
    await Promise.all(children.map(async (child) => await stopChild(child, 5000)))
    rmSync(certDir, { recursive: true, force: true })
  }
}

await main()
