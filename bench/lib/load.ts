import { randomUUID } from 'node:crypto'
import { Agent, request } from 'node:https'
import { connect } from 'node:tls'

// A small load generator for AdmissionReviews, as the API server sends them: keep-alive HTTPS
// connections each with one review in flight, every answer checked (HTTP 200, an AdmissionReview
// whose response.uid is the request's, allowed a boolean). autocannon counts statuses only.

export interface Review {
  readonly path: '/validate' | '/mutate'
  /** An AdmissionReview; its request.uid is replaced by a fresh one on each send. */
  readonly body: { readonly request: { readonly uid: string } }
}

export interface LoadOptions {
  readonly port: number
  readonly ca: string
  readonly connections: number
  /** Each call gives the next review to send; its uid is replaced by a fresh one. */
  readonly next: (sequence: number) => Review
  /** Load runs until this resolves. */
  readonly until: Promise<unknown>
  /** Keep every latency (ms) for percentiles. @default false */
  readonly latencies?: boolean
}

export interface LoadResult {
  readonly reviews: number
  readonly failed: number
  /** Failures by reason, e.g. `HTTP 500`, `ECONNRESET`, `uid mismatch`. */
  readonly failures: ReadonlyMap<string, number>
  readonly latencies: readonly number[]
}

export async function runLoad (options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections, ca: options.ca })
  const failures = new Map<string, number>()
  const latencies: number[] = []
  let reviews = 0
  let sequence = 0
  const state = { done: false }
  options.until.then(() => { state.done = true }, () => { state.done = true })
  const fail = (reason: string): void => { failures.set(reason, (failures.get(reason) ?? 0) + 1) }
  const worker = async (): Promise<void> => {
    while (!state.done) {
      const review = options.next(sequence++)
      const uid = randomUUID()
      const body = JSON.stringify({ ...review.body, request: { ...review.body.request, uid } })
      const started = performance.now()
      try {
        const reply = await post(agent, options.port, review.path, body)
        if (options.latencies === true) latencies.push(performance.now() - started)
        reviews++
        const reason = problemOf(reply, uid)
        if (reason !== undefined) fail(reason)
      } catch (error) {
        reviews++
        fail((error as { code?: string }).code ?? (error as Error).message)
      }
    }
  }
  await Promise.all(Array.from({ length: options.connections }, worker))
  agent.destroy()
  return { reviews, failed: [...failures.values()].reduce((sum, count) => sum + count, 0), failures, latencies }
}

function problemOf (reply: { status: number, text: string }, uid: string): string | undefined {
  if (reply.status !== 200) return `HTTP ${reply.status}`
  try {
    const review = JSON.parse(reply.text) as { kind?: string, response?: { uid?: string, allowed?: unknown } }
    if (review.kind !== 'AdmissionReview') return 'not an AdmissionReview'
    if (review.response?.uid !== uid) return 'uid mismatch'
    if (typeof review.response.allowed !== 'boolean') return 'no verdict'
    return undefined
  } catch {
    return 'bad JSON'
  }
}

async function post (agent: Agent, port: number, path: string, body: string): Promise<{ status: number, text: string }> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.setTimeout(10_000, () => req.destroy(Object.assign(new Error('timed out after 10 s (the API server\'s default webhook timeout)'), { code: 'TIMEOUT' })))
    req.on('error', reject)
    req.end(body)
  })
}

/** One GET on a fresh connection (JSON body parsed when it is JSON). */
export async function httpsJson (port: number, path: string, ca: string): Promise<{ status: number, body: unknown }> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let body: unknown = text
        try { body = JSON.parse(text) } catch {}
        resolve({ status: res.statusCode ?? 0, body })
      })
    })
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${path} timed out`)))
    req.on('error', reject)
    req.end()
  })
}

/** The SHA-256 fingerprint of the certificate a new TLS connection is served (trusting `ca`). */
export async function servedFingerprint (port: number, ca: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256
      socket.end()
      resolve(fingerprint)
    })
    socket.setTimeout(5000, () => socket.destroy(new Error('TLS handshake timed out')))
    socket.on('error', reject)
  })
}

/** The value at `rank` (0..1) of `values`, nearest rank. */
export function percentile (values: readonly number[], rank: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(rank * sorted.length))] ?? Number.NaN
}
