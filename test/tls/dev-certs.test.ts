import { X509Certificate } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ensureDevCertificates } from '../../src/tls/dev-certs.ts'

const NAMES = ['localhost', '127.0.0.1', 'netguard.netguard.svc', 'netguard.netguard.svc.cluster.local']
const DAY = 24 * 60 * 60 * 1000

t.test('creates a CA and a serving certificate for every name, keys readable by the owner only', async (t) => {
  const dir = t.testdir({})
  const now = new Date()
  const result = await ensureDevCertificates(dir, NAMES, now)
  t.equal(result.generated, 'CA and serving certificate')
  const ca = new X509Certificate(readFileSync(join(dir, 'ca.crt')))
  const serving = new X509Certificate(readFileSync(join(dir, 'tls.crt')))
  t.ok(ca.ca, 'the CA is a CA')
  t.notOk(serving.ca)
  t.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey), 'signed by the CA')
  t.equal(serving.checkHost('netguard.netguard.svc'), 'netguard.netguard.svc')
  t.equal(serving.checkHost('netguard.netguard.svc.cluster.local'), 'netguard.netguard.svc.cluster.local')
  t.equal(serving.checkIP('127.0.0.1'), '127.0.0.1')
  t.match(serving.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'server authentication')
  for (const key of ['ca.key', 'tls.key']) t.equal(statSync(join(dir, key)).mode & 0o777, 0o600, key)
  t.equal(statSync(join(dir, 'ca.crt')).mode & 0o777, 0o644)
  t.equal(result.caPem, readFileSync(join(dir, 'ca.crt'), 'utf8'))
})

t.test('reuses valid certificates; renews the serving one for new names or near expiry, keeping the CA', async (t) => {
  const dir = t.testdir({})
  const now = new Date()
  const first = await ensureDevCertificates(dir, NAMES, now)
  const reused = await ensureDevCertificates(dir, NAMES, now)
  t.equal(reused.generated, 'nothing')
  t.equal(reused.pair.cert, first.pair.cert)

  const wider = await ensureDevCertificates(dir, [...NAMES, 'netguard.example.com'], now)
  t.equal(wider.generated, 'serving certificate')
  t.equal(wider.caPem, first.caPem, 'the CA the user trusts is kept')
  t.equal(wider.pair.certificate.checkHost('netguard.example.com'), 'netguard.example.com')

  const late = await ensureDevCertificates(dir, NAMES, new Date(now.getTime() + 350 * DAY))
  t.equal(late.generated, 'serving certificate', 'a serving certificate that expires within a month is renewed')
  t.equal(late.caPem, first.caPem)
})

t.test('regenerates everything when the CA is unusable or a file is damaged', async (t) => {
  const dir = t.testdir({})
  const now = new Date()
  const first = await ensureDevCertificates(dir, NAMES, now)
  const later = new Date(now.getTime() + 5 * 365 * DAY)
  const expired = await ensureDevCertificates(dir, NAMES, later)
  t.equal(expired.generated, 'CA and serving certificate', 'a CA near its end is replaced')
  t.not(expired.caPem, first.caPem)
  writeFileSync(join(dir, 'tls.key'), 'garbage')
  t.equal((await ensureDevCertificates(dir, NAMES, later)).generated, 'serving certificate')
  writeFileSync(join(dir, 'ca.key'), 'garbage')
  t.equal((await ensureDevCertificates(dir, NAMES, later)).generated, 'CA and serving certificate')
})
