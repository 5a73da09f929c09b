import { mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs'
import { Agent } from 'node:https'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { Gauge } from 'prom-client'
import t, { type Test } from 'tap'
import { buildConfig, type Config } from '../src/config.ts'
import { startServer, type RunningServer } from '../src/server.ts'
import { capturedLogger, exampleReview, reviewOf, service } from './helpers/review.ts'
import { eventually, fingerprintOf, handshake, httpsRequest } from './helpers/https.ts'
import { sample } from './helpers/metrics.ts'
import { testCertificates } from './helpers/tls.ts'

const POLICIES = new URL('../policies/', import.meta.url)
const bundledPolicies = Object.fromEntries(readdirSync(POLICIES).filter((f) => f.endsWith('.yaml')).map((f) => [f, readFileSync(new URL(f, POLICIES), 'utf8')]))

async function start (t: Test, overrides: Partial<Config> = {}): Promise<{ server: RunningServer, ca: string, log: ReturnType<typeof capturedLogger> }> {
  const certs = await testCertificates()
  const config = { ...buildConfig({ port: '0', host: '127.0.0.1', cert: certs.certFile, key: certs.keyFile }, {}), ...overrides }
  const log = capturedLogger()
  const server = await startServer(config, log.logger, { debounceMs: 20 })
  t.teardown(() => server.close())
  return { server, ca: certs.caPem, log }
}

const allowedOf = (body: string): boolean => (JSON.parse(body) as { response: { allowed: boolean } }).response.allowed

t.test('TLS 1.2 and 1.3 are served, TLS 1.1 is refused', async (t) => {
  const { server } = await start(t)
  t.match(await handshake(server.port, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }), { protocol: 'TLSv1.2' })
  t.match(await handshake(server.port, { minVersion: 'TLSv1.3' }), { protocol: 'TLSv1.3' })
  // The client is allowed TLS 1.1 (lower security level), so a failure is the server's refusal.
  const old = await handshake(server.port, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })
  t.ok('error' in old, 'TLS 1.1 handshake fails')
  t.match(old, { error: { code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' } }, 'the server answers with a protocol_version alert')
})

t.test('200 concurrent reviews over keep-alive connections each get their own uid back', async (t) => {
  const { server, ca } = await start(t)
  const agent = new Agent({ keepAlive: true, maxSockets: 25, ca })
  t.teardown(() => agent.destroy())
  const sockets = new Set<unknown>()
  agent.on('free', (socket) => sockets.add(socket))
  const replies = await Promise.all(Array.from({ length: 200 }, async (_, index) => {
    const object = index % 2 === 0 ? service({ type: 'NodePort' }) : service({ type: 'ClusterIP' })
    const uid = `concurrent-${index}`
    const reply = await httpsRequest(server.port, '/validate', { ca, agent, body: reviewOf(object, { uid }) })
    return { uid, index, reply }
  }))
  for (const { uid, index, reply } of replies) {
    const { response } = JSON.parse(reply.body) as { response: { uid: string, allowed: boolean } }
    if (reply.status !== 200 || response.uid !== uid || response.allowed !== (index % 2 === 1)) {
      t.fail(`review ${uid} answered ${reply.status} ${reply.body}`)
    }
  }
  t.equal(replies.length, 200)
  t.ok(sockets.size <= 25, `at most 25 connections (${sockets.size})`)
})

t.test('an idle keep-alive connection is reused, and kept open longer than the API server\'s 90 s', async (t) => {
  const { server, ca } = await start(t)
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca })
  t.teardown(() => agent.destroy())
  const first = await httpsRequest(server.port, '/validate', { ca, agent, body: exampleReview('service-clusterip-allowed') })
  t.equal(first.reusedSocket, false)
  t.match(first.headers['keep-alive'], /timeout=(\d+)/)
  t.ok(Number(/timeout=(\d+)/.exec(String(first.headers['keep-alive']))?.[1]) > 90)
  await new Promise((resolve) => setTimeout(resolve, 100))
  const second = await httpsRequest(server.port, '/validate', { ca, agent, body: exampleReview('service-nodeport-denied') })
  t.equal(second.reusedSocket, true, 'same connection, no new handshake')
  t.equal(allowedOf(second.body), false)
})

t.test('policy files changed on disk are picked up; a bad change keeps the last good policy', async (t) => {
  const dir = t.testdir(bundledPolicies)
  const { server, ca } = await start(t, { policiesDir: dir })
  const nodePortAllowed = async (): Promise<boolean> => allowedOf((await httpsRequest(server.port, '/validate', { ca, body: exampleReview('service-nodeport-denied') })).body)
  const readyz = async (): Promise<{ status: number, body: { policy: { lastError: string | null } } }> => {
    const reply = await httpsRequest(server.port, '/readyz', { ca })
    return { status: reply.status, body: JSON.parse(reply.body) as { policy: { lastError: string | null } } }
  }
  t.equal(await nodePortAllowed(), false)

  writeFileSync(join(dir, 'services.yaml'), 'spec: [not, a, policy')
  t.ok(await eventually(async () => (await readyz()).body.policy.lastError !== null), '/readyz reports the bad file')
  const degraded = await readyz()
  t.equal(degraded.status, 200)
  t.match(degraded.body.policy.lastError, /services\.yaml:\d+/)
  t.equal(await nodePortAllowed(), false, 'the last good policy is in force')

  writeFileSync(join(dir, 'services.yaml'), bundledPolicies['services.yaml']!.replace('allowedNamespaces: []', 'allowedNamespaces: ["shop"]'))
  t.ok(await eventually(nodePortAllowed), 'the fixed policy is in force without a restart')
  t.equal((await readyz()).body.policy.lastError, null)
})

/** Writes a kubernetes Secret volume the way the kubelet does: a new timestamped folder, then an atomic `..data` swap. */
function writeSecretVolume (dir: string, version: string, cert: string, key: string): void {
  const data = `..${version}`
  mkdirSync(join(dir, data))
  writeFileSync(join(dir, data, 'tls.crt'), cert)
  writeFileSync(join(dir, data, 'tls.key'), key)
  symlinkSync(data, join(dir, '..data_tmp'))
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'))
}

t.test('a rotated certificate in a Secret volume is served without a restart; a bad pair keeps the old one', async (t) => {
  const [first, second] = await Promise.all([testCertificates('a-day-old', new Date(Date.now() - 86_400_000)), testCertificates('b')])
  const dir = t.testdir({})
  writeSecretVolume(dir, '2026_11_26_12_00_00.1', first.pair.cert, first.pair.key)
  symlinkSync('..data/tls.crt', join(dir, 'tls.crt'))
  symlinkSync('..data/tls.key', join(dir, 'tls.key'))
  const { server, log } = await start(t, { tls: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') } })
  const served = async (): Promise<string> => {
    const result = await handshake(server.port, {})
    return 'fingerprint' in result ? result.fingerprint : ''
  }
  t.equal(await served(), fingerprintOf(first.pair.cert))
  const expiry = async (): Promise<number | undefined> => sample(await server.metrics.registry.metrics(), 'netguard_certificate_expiry_timestamp_seconds')
  t.equal(await expiry(), first.pair.notAfter.getTime() / 1000)

  // A keep-alive connection opened before the rotation keeps working across it.
  const agent = new Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false })
  t.teardown(() => agent.destroy())
  await httpsRequest(server.port, '/healthz', { ca: first.caPem, agent })

  writeSecretVolume(dir, '2026_11_26_13_00_00.2', second.pair.cert, second.pair.key)
  t.ok(await eventually(async () => await served() === fingerprintOf(second.pair.cert)), 'the new certificate is served')
  const after = await httpsRequest(server.port, '/healthz', { ca: first.caPem, agent })
  t.equal(after.status, 200)
  t.equal(after.reusedSocket, true, 'the existing connection was not dropped')
  t.equal(await expiry(), second.pair.notAfter.getTime() / 1000, 'the expiry gauge follows the reload')
  t.not(first.pair.notAfter.getTime(), second.pair.notAfter.getTime())

  writeSecretVolume(dir, '2026_11_26_14_00_00.3', first.pair.cert, second.pair.key)
  const readyz = async (): Promise<{ certificate: { lastError: string | null } }> =>
    JSON.parse((await httpsRequest(server.port, '/readyz', { ca: second.caPem })).body) as { certificate: { lastError: string | null } }
  t.ok(await eventually(async () => (await readyz()).certificate.lastError !== null), '/readyz reports the bad pair')
  t.match((await readyz()).certificate.lastError, /is not the private key of the certificate/)
  t.equal(await served(), fingerprintOf(second.pair.cert), 'the previous certificate stays in use')
  t.equal(await expiry(), second.pair.notAfter.getTime() / 1000, 'and its expiry stays the one reported')
  t.equal(sample(await server.metrics.registry.metrics(), 'netguard_certificate_reload_failed'), 1)
  t.ok(log.records().some((record) => record.msg === 'serving certificate reload failed; the previous certificate stays in use'))
  t.notMatch(log.text(), 'PRIVATE KEY')
})

t.test('close finishes an in-flight review, then closes idle keep-alive connections', async (t) => {
  const { server, ca } = await start(t)
  // An idle keep-alive connection, and one with a review half sent.
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca })
  t.teardown(() => agent.destroy())
  await httpsRequest(server.port, '/healthz', { ca, agent })
  const idleClosed = new Promise<void>((resolve) => {
    for (const sockets of Object.values(agent.freeSockets)) sockets?.[0]?.once('close', () => resolve())
  })

  const body = JSON.stringify(exampleReview('service-nodeport-denied'))
  const socket = connect({ host: '127.0.0.1', port: server.port, ca })
  await new Promise((resolve) => socket.once('secureConnect', resolve))
  socket.write(`POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 100)}`)
  let answer = ''
  socket.on('data', (chunk: Buffer) => { answer += chunk.toString() })
  const ended = new Promise((resolve) => socket.once('close', resolve))
  await new Promise((resolve) => setTimeout(resolve, 50))

  const started = Date.now()
  const closed = server.close()
  await idleClosed
  socket.write(body.slice(100))
  await ended
  await closed
  t.match(answer, /^HTTP\/1\.1 200 OK/)
  t.match(answer, /connection: close/i, 'the finished review closes its connection')
  t.match(answer, /"uid":"c0ffee00-1d2b-4c3d-8e4f-5a6b7c8d9e01","allowed":false/)
  t.ok(Date.now() - started < 5000, 'close does not wait for the keep-alive timeout')
})

t.test('start-up fails on an invalid policy or a bad key pair, naming the file', async (t) => {
  const dir = t.testdir({ 'services.yaml': 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nspec:\n  rules:\n    SVC-NODEPORT:\n      action: block\n' })
  await t.rejects(start(t, { policiesDir: dir }), { code: 'NG_ERR_POLICY_INVALID', message: /services\.yaml:6: spec\.rules\.SVC-NODEPORT\.action/ })
  const [first, second] = await Promise.all([testCertificates('a-day-old', new Date(Date.now() - 86_400_000)), testCertificates('b')])
  await t.rejects(start(t, { tls: { certFile: first.certFile, keyFile: second.keyFile } }), { code: 'NG_ERR_CERTIFICATE', message: /is not the private key/ })
  await t.rejects(start(t, { tls: { certFile: join(dir, 'none.crt'), keyFile: first.keyFile } }), { code: 'NG_ERR_CERTIFICATE', message: /cannot read .*none\.crt: ENOENT/ })
})

t.test('without --cert/--key a development certificate is generated, and where its CA is gets logged', async (t) => {
  const devCertDir = t.testdir({})
  const { server, log } = await start(t, { tls: undefined, devCertDir, dnsNames: ['127.0.0.1', 'localhost'] })
  const ca = readFileSync(join(devCertDir, 'ca.crt'), 'utf8')
  t.equal(server.devCaFile, join(devCertDir, 'ca.crt'))
  const reply = await httpsRequest(server.port, '/readyz', { ca })
  t.match(JSON.parse(reply.body), { status: 'ready', certificate: { source: 'dev' } })
  t.equal(log.records().filter((record) => record.caFile === join(devCertDir, 'ca.crt')).length, 1)
})

t.test('--metrics-port serves GET /metrics over plain HTTP, and nothing else', async (t) => {
  const { server, ca, log } = await start(t, { metricsPort: 0, metricsHost: '127.0.0.1' })
  t.ok(server.metricsPort !== undefined && server.metricsPort !== server.port)
  const url = (path: string): string => `http://127.0.0.1:${server.metricsPort}${path}`
  await httpsRequest(server.port, '/validate', { ca, body: exampleReview('service-nodeport-denied') })

  const metrics = await fetch(url('/metrics'))
  t.equal(metrics.status, 200)
  t.match(metrics.headers.get('content-type'), /^text\/plain; version=0\.0\.4/)
  const body = await metrics.text()
  t.equal(sample(body, 'netguard_violations_total{rule="SVC-NODEPORT",action="deny"}'), 1, 'the same counts as the webhook port')
  t.ok((sample(body, 'netguard_certificate_expiry_timestamp_seconds') ?? 0) * 1000 > Date.now(), 'the certificate\'s expiry')

  for (const [method, path] of [['GET', '/healthz'], ['GET', '/readyz'], ['POST', '/validate'], ['POST', '/mutate'], ['GET', '/'], ['POST', '/metrics']] as const) {
    const reply = await fetch(url(path), { method, ...(method === 'POST' ? { body: JSON.stringify(exampleReview('service-nodeport-denied')), headers: { 'content-type': 'application/json' } } : {}) })
    t.equal(reply.status, 404, `${method} ${path}`)
    await reply.body?.cancel()
  }
  t.ok('error' in await handshake(server.metricsPort!, {}), 'no TLS on it')
  t.equal((await httpsRequest(server.port, '/metrics', { ca })).status, 200, 'the webhook port keeps its /metrics')
  t.same(log.records().filter((record) => record.msg === 'listening').map((record) => record.address),
    [`https://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.metricsPort}`], 'one line per listener, with its address')

  // A scrape that fails is answered with a 500 and logged, though Fastify has no logger.
  server.metrics.registry.registerMetric(new Gauge({ name: 'test_unreadable', help: 'a collector that fails', registers: [], collect () { throw new Error('cache state unreadable') } }))
  t.teardown(() => server.metrics.registry.removeSingleMetric('test_unreadable'))
  const failed = await fetch(url('/metrics'))
  t.equal(failed.status, 500)
  await failed.body?.cancel()
  t.match(log.records().find((record) => record.msg === 'metrics request failed'), { level: 50, err: { message: /cache state unreadable/ } })
})

t.test('without --metrics-port there is no second listener', async (t) => {
  const { server } = await start(t)
  t.equal(server.metricsPort, undefined)
})
