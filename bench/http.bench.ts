// Throughput and p99 latency of netguard's /validate against a floor: a bare node:https server
// that parses the same body and answers a fixed allow. Same load generator, concurrency,
// keep-alive HTTPS and duration; 127.0.0.1 only. Each server runs in its own child process so
// that the load generator does not share its event loop. `npm run bench`.
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { buildConfig } from '../src/config.ts'
import { createLogger } from '../src/log.ts'
import { startServer } from '../src/server.ts'
import { ensureDevCertificates } from '../src/tls/dev-certs.ts'
import { startNetguard, statusMb, stopChild } from './lib/netguard-process.ts'

type Target = 'netguard' | 'floor'

/** Like the API server, which keeps up to 25 connections per webhook host. */
const CONNECTIONS = 25
/** Long enough for V8 to optimise the review path: the ratio is about a webhook that serves for days. */
const WARMUP_S = 5
const DURATION_S = 3
/** Alternating rounds, so that a burst of load from elsewhere on the machine hits both alike. */
const ROUNDS = 6
const TARGETS: readonly Target[] = ['floor', 'netguard']

const REVIEW = readFileSync(new URL('../examples/reviews/service-clusterip-allowed.json', import.meta.url), 'utf8')

/** How long both servers sit idle before their RSS is read: startup garbage is not idle memory. */
const IDLE_S = 5

/**
 * The floor for memory: Fastify 5 over TLS with one route, on the same Node. Plain `node` (no tsx
 * loader, which would add its own memory), as netguard's built server runs.
 */
const BARE_FASTIFY = `
import Fastify from 'fastify'
import { readFileSync } from 'node:fs'
const app = Fastify({ https: { cert: readFileSync(process.argv[1]), key: readFileSync(process.argv[2]), minVersion: 'TLSv1.2' } })
app.post('/validate', async () => ({ allowed: true }))
await app.listen({ port: 0, host: '127.0.0.1' })
console.log('listening')`

/**
 * Idle RSS of netguard as `npm start` runs it (the built server, bundled policies, no cluster)
 * next to the bare Fastify server, each alone in its process, read from /proc after IDLE_S.
 */
async function idleMemory (certDir: string, caPem: string): Promise<{ netguard: number, fastify: number }> {
  const certFile = join(certDir, 'tls.crt')
  const keyFile = join(certDir, 'tls.key')
  // HOME without ~/.kube/config and no KUBECONFIG: the cluster caches stay off, as in a plain npm start.
  const netguard = await startNetguard({
    runtime: 'dist', ca: caPem, logFile: join(certDir, 'netguard.log'), args: ['--cert', certFile, '--key', keyFile, '--log-level', 'warn'], env: { HOME: certDir }
  })
  const fastify = spawn(process.execPath, ['--input-type=module', '-e', BARE_FASTIFY, certFile, keyFile], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    await new Promise<void>((resolve, reject) => {
      fastify.stdout.once('data', () => resolve())
      fastify.once('exit', (code) => reject(new Error(`the bare Fastify server exited with ${String(code)}`)))
    })
    await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000))
    return { netguard: netguard.rssMb(), fastify: statusMb(fastify.pid ?? 0, 'VmRSS') }
  } finally {
    await netguard.stop()
    await stopChild(fastify, 5000)
  }
}

/** Child side: start one server on 127.0.0.1:0 and report its port. */
async function serveChild (target: Target, certDir: string): Promise<void> {
  const certFile = join(certDir, 'tls.crt')
  const keyFile = join(certDir, 'tls.key')
  let port: number
  if (target === 'netguard') {
    const config = buildConfig({ port: '0', host: '127.0.0.1', cert: certFile, key: keyFile, 'log-level': 'warn' }, {})
    port = (await startServer(config, createLogger({ level: config.logLevel }))).port
  } else {
    const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2', keepAliveTimeout: 120_000 }, (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string } }
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  }
  process.send?.({ port })
  // The parent asks for CPU time around each run (CPU per request is steadier than req/s on a busy
  // machine) and for memory at the end.
  process.on('message', () => {
    const { user, system } = process.cpuUsage()
    const usage: Usage = { cpuMicros: user + system, peakRssKiB: process.resourceUsage().maxRSS, heapUsedBytes: process.memoryUsage().heapUsed }
    process.send?.(usage)
  })
}

interface Usage { readonly cpuMicros: number, readonly peakRssKiB: number, readonly heapUsedBytes: number }

async function usageOf (child: ChildProcess): Promise<Usage> {
  const reply = new Promise<Usage>((resolve) => child.once('message', (message) => resolve(message as Usage)))
  child.send('usage')
  return await reply
}

async function startChild (target: Target, certDir: string): Promise<{ child: ChildProcess, port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['serve', target, certDir], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port))
    child.once('exit', (code) => reject(new Error(`${target} server exited with ${String(code)} before listening`)))
  })
  return { child, port }
}

interface Measure { readonly rps: number, readonly p99: number, readonly cpuPerRequest: number }

async function load ({ child, port }: { child: ChildProcess, port: number }, seconds: number): Promise<Measure> {
  const cpuBefore = (await usageOf(child)).cpuMicros
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
  return { rps: result.requests.average, p99: percentile(latencies, 0.99), cpuPerRequest: ((await usageOf(child)).cpuMicros - cpuBefore) / result.requests.total }
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
  process.once('SIGINT', () => { for (const child of children) child.kill('SIGKILL') })
  try {
    const { caPem } = await ensureDevCertificates(certDir, ['127.0.0.1', 'localhost'], new Date())
    const idle = await idleMemory(certDir, caPem)
    console.log(`bench: idle RSS after ${IDLE_S} s: netguard ${round(idle.netguard, 1)} MB, bare Fastify over TLS ${round(idle.fastify, 1)} MB ` +
      `(ratio ${round(idle.netguard / idle.fastify)}, +${round(idle.netguard - idle.fastify, 1)} MB; built server, bundled policies, no cluster)`)
    const servers = {} as Record<Target, { child: ChildProcess, port: number }>
    for (const target of TARGETS) {
      servers[target] = await startChild(target, certDir)
      children.push(servers[target].child)
    }
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
    // Medians: the machine may be shared, and one disturbed round should not decide the ratio.
    const summary = (measures: readonly Measure[]): Measure => ({
      rps: median(measures.map((m) => m.rps)),
      p99: median(measures.map((m) => m.p99)),
      cpuPerRequest: median(measures.map((m) => m.cpuPerRequest))
    })
    const netguard = summary(results.netguard)
    const floor = summary(results.floor)
    const memory = { netguard: await usageOf(servers.netguard.child), floor: await usageOf(servers.floor.child) }
    const mib = (bytes: number): number => round(bytes / 1024 / 1024, 1)
    console.log(`bench: memory after the rounds: netguard peak RSS ${mib(memory.netguard.peakRssKiB * 1024)} MiB, heap ${mib(memory.netguard.heapUsedBytes)} MiB; ` +
      `floor peak RSS ${mib(memory.floor.peakRssKiB * 1024)} MiB, heap ${mib(memory.floor.heapUsedBytes)} MiB (peak RSS ratio ${round(memory.netguard.peakRssKiB / memory.floor.peakRssKiB)})`)
    console.log(`bench: server CPU per request: netguard ${Math.round(netguard.cpuPerRequest)} µs, floor ${Math.round(floor.cpuPerRequest)} µs (ratio ${round(netguard.cpuPerRequest / floor.cpuPerRequest)})`)
    console.log(`bench: throughput ratio ${round(netguard.rps / floor.rps)} p99 ratio ${round(netguard.p99 / floor.p99)} ` +
      `(netguard ${Math.round(netguard.rps)} req/s, p99 ${round(netguard.p99)} ms; floor ${Math.round(floor.rps)} req/s, p99 ${round(floor.p99)} ms)`)
  } finally {
    await Promise.all(children.map(async (child) => await stopChild(child, 5000)))
    rmSync(certDir, { recursive: true, force: true })
  }
}

if (process.argv[2] === 'serve') {
  await serveChild(process.argv[3] as Target, process.argv[4] ?? '')
} else {
  await main()
}
