import { Agent, request } from 'node:https'
import { connect as connectTcp } from 'node:net'
import { connect, type TLSSocket } from 'node:tls'
import t, { type Test } from 'tap'
import { buildConfig, type Config } from '../src/config.ts'
import { startServer, type RunningServer, type StartOptions } from '../src/server.ts'
import { httpsRequest } from './helpers/https.ts'
import { serveChild } from './helpers/serve-child.ts'
import { until } from './helpers/wait.ts'
import { capturedLogger, exampleReview } from './helpers/review.ts'
import { testCertificates } from './helpers/tls.ts'

// The server's bounds, through a real TLS listener: body size, large bodies at once, the TLS
// handshake, and every address family.

async function start (t: Test, overrides: Partial<Config> = {}, options: StartOptions = {}): Promise<{ server: RunningServer, ca: string }> {
  const certs = await testCertificates()
  const config = { ...buildConfig({ port: '0', host: '127.0.0.1', cert: certs.certFile, key: certs.keyFile }, {}), ...overrides }
  const server = await startServer(config, capturedLogger().logger, options)
  t.teardown(() => server.close())
  return { server, ca: certs.caPem }
}

/** A raw TLS connection: what the client sent and read, byte for byte. */
async function rawConnection (port: number, ca: string, host = '127.0.0.1'): Promise<{ socket: TLSSocket, received: () => string, errors: string[], closed: Promise<void> }> {
  const socket = connect({ host, port, ca })
  await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject))
  let text = ''
  const errors: string[] = []
  socket.on('data', (chunk: Buffer) => { text += chunk.toString() })
  socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message))
  return { socket, received: () => text, errors, closed: new Promise((resolve) => socket.once('close', () => resolve())) }
}

/** Writes `bytes` of body in 64 KiB pieces, as a client on a real network would, honouring backpressure. */
async function writeSlowly (socket: TLSSocket, bytes: number, chunked: boolean): Promise<number> {
  const piece = Buffer.alloc(64 * 1024, 0x20)
  let sent = 0
  while (sent < bytes && !socket.destroyed) {
    const data = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece
    if (!socket.write(data)) {
      const drained = await Promise.race([new Promise((resolve) => socket.once('drain', () => resolve(true))), new Promise((resolve) => setTimeout(() => resolve(false), 3000))])
      if (drained === false) break
    }
    sent += piece.length
    await new Promise((resolve) => setImmediate(resolve))
  }
  if (chunked && !socket.destroyed) socket.write('0\r\n\r\n')
  return sent
}

const reviewText = (): string => JSON.stringify(exampleReview('service-nodeport-denied'))
const postHead = (length: number | undefined): string =>
  `POST /validate HTTP/1.1\r\nHost: netguard\r\nContent-Type: application/json\r\n${length === undefined ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`}\r\n\r\n`

t.test('a body over the limit gets a 413 the client reads while still sending, and the connection serves on', async (t) => {
  const { server, ca } = await start(t)
  const size = 8 * 1024 * 1024
  for (const chunked of [false, true]) {
    const label = chunked ? 'chunked' : 'Content-Length'
    const connection = await rawConnection(server.port, ca)
    connection.socket.write(postHead(chunked ? undefined : size))
    const sent = await writeSlowly(connection.socket, size, chunked)
    t.equal(sent, size, `${label}: the server took every byte (no stall, no reset)`)
    await until(`${label}: an answer`, () => connection.received().includes('\r\n\r\n{'), 10_000)
    t.match(connection.received(), /^HTTP\/1\.1 413 /, `${label}: 413`)
    t.notMatch(connection.received(), /connection: close/i, `${label}: the connection is kept`)
    t.match(connection.received(), /"code":"NG_ERR_REVIEW_TOO_LARGE","message":"the body is larger than 7 MiB/)
    // The same connection answers the next review.
    const body = reviewText()
    const before = connection.received().length
    connection.socket.write(`${postHead(Buffer.byteLength(body))}${body}`)
    await until(`${label}: the next answer`, () => connection.received().slice(before).includes('"allowed"'), 10_000)
    t.match(connection.received().slice(before), /^HTTP\/1\.1 200 OK[\s\S]*"allowed":false/, `${label}: the next review on it is answered`)
    t.same(connection.errors, [], `${label}: no reset`)
    connection.socket.end()
  }
})

/** A Service UPDATE review with `labels` labels on both objects: the shape of the largest legal reviews. */
function labelledUpdate (labels: number): string {
  const entries: Record<string, string> = {}
  for (let index = 0; index < labels; index++) entries[`app.example.com/l${index}`] = `v${index}`
  const service = (type: string): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', labels: entries }, spec: { type, ports: [{ port: 80 }] } })
  const review = exampleReview('service-nodeport-denied')
  review.request.operation = 'UPDATE'
  review.request.object = service('NodePort')
  review.request.oldObject = service('ClusterIP')
  return JSON.stringify(review)
}

t.test('large reviews wait for one another; one that waits too long gets a 429 with Retry-After', async (t) => {
  const { server, ca } = await start(t, {}, { app: { largeReviews: { slots: 1, maxWaitMs: 300 } } })
  const large = 2 * 1024 * 1024
  // A client that sent the head of a large review and stalls holds the one slot.
  const holder = await rawConnection(server.port, ca)
  holder.socket.write(postHead(large))
  holder.socket.write(Buffer.alloc(1024, 0x20))
  // A round trip on another connection: the server has read the holder's head by then.
  await new Promise((resolve) => setTimeout(resolve, 50))
  await httpsRequest(server.port, '/healthz', { ca })

  const waiter = await rawConnection(server.port, ca)
  waiter.socket.write(postHead(large))
  const sent = await writeSlowly(waiter.socket, large, false)
  await until('the waiter\'s answer', () => waiter.received().includes('\r\n\r\n{'), 10_000)
  t.equal(sent, large)
  t.match(waiter.received(), /^HTTP\/1\.1 429 /)
  t.match(waiter.received(), /retry-after: 1\r\n/i)
  t.match(waiter.received(), /"code":"NG_ERR_BUSY"/)
  t.same(waiter.errors, [], 'no reset')

  // Small reviews and health probes are not held up meanwhile.
  t.equal((await httpsRequest(server.port, '/healthz', { ca })).status, 200)
  t.equal((await httpsRequest(server.port, '/validate', { ca, body: reviewText() })).status, 200)
  holder.socket.destroy()
  waiter.socket.end()
})

/** Milliseconds JSON.parse takes over `text` here and now: the floor any reader of the body pays. */
function parseFloorMs (text: string): number {
  const times = Array.from({ length: 3 }, () => {
    const started = performance.now()
    JSON.parse(text)
    return performance.now() - started
  })
  return Math.min(...times)
}

t.test('a 7 MiB review costs little more than parsing it; twelve at once fit a small heap, and /healthz answers meanwhile', async (t) => {
  // The server in a process of its own, so that the client's work is not on its event loop.
  // Timings are judged against JSON.parse of the same body measured alongside, because the
  // machines that run the tests are shared and their load changes every figure several times over.
  const certs = await testCertificates()
  // With a small heap (256 MiB, of which tsx and the loaded code take about 70; no coverage
  // hooks): twelve such reviews parsed at once would need several times what is left.
  const { port, child } = await serveChild(t, ['--cert', certs.certFile, '--key', certs.keyFile], { NODE_OPTIONS: '--max-old-space-size=256', NODE_V8_COVERAGE: undefined })
  const ca = certs.caPem
  const body = labelledUpdate(100_000)
  t.ok(body.length > 6 * 1024 * 1024 && body.length < 7 * 1024 * 1024, `${(body.length / 1024 / 1024).toFixed(2)} MiB, 200,000 labels`)
  const agent = new Agent({ keepAlive: true, ca })
  t.teardown(() => agent.destroy())
  const send = async (): Promise<{ status: number, ms: number, text: string }> => await new Promise((resolve, reject) => {
    const started = performance.now()
    const req = request({ host: '127.0.0.1', port, path: '/validate', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
  // As client-go does: a 429 is sent again after its Retry-After.
  const review = async (): Promise<{ status: number, ms: number, text: string, retries: number }> => {
    for (let retries = 0; ; retries++) {
      const reply = await send()
      if (reply.status !== 429 || retries === 10) return { ...reply, retries }
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
  const floors: number[] = []
  const alone: number[] = []
  for (let round = 0; round < 4; round++) {
    floors.push(parseFloorMs(body))
    const reply = await review()
    t.equal(reply.status, 200)
    t.match(reply.text, /"allowed":false.*SVC-NODEPORT/, 'the rules ran on the large object')
    alone.push(reply.ms)
  }
  const floor = Math.min(...floors)
  const best = Math.min(...alone)
  t.comment(`7 MiB review, client to answer: ${alone.map((ms) => ms.toFixed(0)).join(', ')} ms; JSON.parse of it here: ${floor.toFixed(0)} ms`)
  t.ok(best < 3 * floor + 150, `answered in ${best.toFixed(0)} ms: a few parses (${floor.toFixed(0)} ms here) and the transfer, no more`)

  // Twelve at once, with a probe every 20 ms.
  const probes: number[] = []
  const probe = { running: true }
  const prober = (async () => {
    while (probe.running) {
      const started = performance.now()
      await httpsRequest(port, '/healthz', { ca })
      probes.push(performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()
  const replies = await Promise.all(Array.from({ length: 12 }, review))
  probe.running = false
  await prober
  t.same(replies.map((reply) => reply.status), Array.from({ length: 12 }, () => 200), 'every one answered, some after a 429 and a retry')
  t.equal(child.exitCode, null, 'the server is still running')
  const sorted = [...probes].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0
  const worst = sorted.at(-1) ?? 0
  t.comment(`/healthz during twelve 7 MiB reviews: ${probes.length} probes, median ${median.toFixed(0)} ms, worst ${worst.toFixed(0)} ms; reviews ${replies.map((reply) => `${reply.ms.toFixed(0)} ms (${reply.retries} retries)`).join(', ')}`)
  // One large body at a time, parsed in three turns and reviewed in a fourth: a probe waits for
  // a piece of one parse, never for the queue of large reviews. Judged against the reviews'
  // own times, which the load of a shared machine stretches alike.
  const reviewTimes = replies.map((reply) => reply.ms).sort((a, b) => a - b)
  const medianReview = reviewTimes[Math.floor(reviewTimes.length / 2)] ?? 0
  t.ok(probes.length >= 5, `${probes.length} probes answered during the burst`)
  t.ok(median < medianReview / 2, `the median probe (${median.toFixed(0)} ms) is far from the median review (${medianReview.toFixed(0)} ms)`)
  t.ok(worst < (reviewTimes.at(-1) ?? 0), `the worst probe (${worst.toFixed(0)} ms) waits for less than the burst (${(reviewTimes.at(-1) ?? 0).toFixed(0)} ms)`)
})

t.test('a connection that never starts its TLS handshake is dropped after the handshake timeout', async (t) => {
  const { server } = await start(t, {}, { app: { handshakeTimeoutMs: 300 } })
  const socket = connectTcp({ host: '127.0.0.1', port: server.port })
  await new Promise((resolve) => socket.once('connect', resolve))
  const started = Date.now()
  await new Promise((resolve) => socket.once('close', resolve))
  const held = Date.now() - started
  t.ok(held >= 250 && held < 3000, `closed after ${held} ms`)
})

t.test('by default the server listens on every stack: [::1] and 127.0.0.1 both answer', async (t) => {
  const { server, ca } = await start(t, { host: undefined })
  for (const host of ['127.0.0.1', '::1']) {
    const reply = await new Promise<number>((resolve, reject) => {
      request({ host, port: server.port, path: '/healthz', ca }, (res) => { res.resume(); resolve(res.statusCode ?? 0) }).on('error', reject).end()
    })
    t.equal(reply, 200, `https://${host.includes(':') ? `[${host}]` : host}:${server.port}/healthz`)
  }
})

t.test('where the host has no IPv6, the server falls back to 0.0.0.0; --host still chooses', async (t) => {
  const tried: string[] = []
  const noIpv6: StartOptions['listen'] = async (app, port, host) => {
    tried.push(host)
    if (host === '::') throw Object.assign(new Error('listen EAFNOSUPPORT: address family not supported'), { code: 'EAFNOSUPPORT' })
    return await app.listen({ port, host: '127.0.0.1' })
  }
  const { server, ca } = await start(t, { host: undefined }, { listen: noIpv6 })
  t.same(tried, ['::', '0.0.0.0'])
  t.equal((await httpsRequest(server.port, '/healthz', { ca })).status, 200)

  const chosen: string[] = []
  await start(t, { host: '127.0.0.1' }, { listen: async (app, port, host) => { chosen.push(host); return await app.listen({ port, host }) } })
  t.same(chosen, ['127.0.0.1'])

  const refused: StartOptions['listen'] = async () => { throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }) }
  await t.rejects(start(t, { host: undefined }, { listen: refused }), { code: 'EADDRINUSE' }, 'other errors are not hidden')
})
