import t from 'tap'
import { signatureAlgorithmOid } from '../../../../src/engine/rules/route/certificate.ts'
import { testCertificate } from '../../../helpers/certificates.ts'
import { route, violationsOf } from './route-fixtures.ts'

// contextFor's clock reads 2026-11-26; the default test certificate is valid through 2026.
const good = testCertificate({ hosts: ['www.example.com', '*.apps.example.com'] })
const check = (tls: Record<string, unknown>, host: unknown = 'www.example.com', policy?: string, now?: Date) =>
  violationsOf('ROUTE-CERT', route({ host, tls: { termination: 'edge', ...tls } }), policy, now === undefined ? {} : { now })

t.test('a valid certificate for the host with its key passes', async (t) => {
  t.same(check({ certificate: good.certificate, key: good.key }), [])
  t.same(check({ certificate: good.certificate, key: good.key }, 'shop.apps.example.com'), [], 'one-label wildcard SAN')
  t.same(check({ certificate: good.certificate }, ''), [], 'no host to compare with')
  t.same(check({}), [], 'no inline certificate: the router default or an external one')
  t.same(violationsOf('ROUTE-CERT', route({})), [])
})

t.test('expired and not yet valid certificates are denied, by the review clock', async (t) => {
  t.match(check({ certificate: good.certificate }, 'www.example.com', '{}', new Date('2027-02-01T00:00:00Z')), [{
    ruleId: 'ROUTE-CERT', action: 'deny', path: 'spec.tls.certificate', message: 'spec.tls.certificate expired on 2027-01-01T00:00:00.000Z', fix: 'issue a certificate that is valid now'
  }])
  t.match(check({ certificate: good.certificate }, 'www.example.com', '{}', new Date('2025-06-01T00:00:00Z')), [{
    message: 'spec.tls.certificate is not valid before 2026-01-01T00:00:00.000Z'
  }])
})

t.test('a certificate that does not cover the host is denied', async (t) => {
  t.match(check({ certificate: good.certificate }, 'shop.example.com'), [{ message: 'spec.tls.certificate does not cover spec.host shop.example.com', fix: 'use a certificate whose subjectAltName includes shop.example.com' }])
  t.match(check({ certificate: good.certificate }, 'a.b.apps.example.com'), [{ path: 'spec.tls.certificate' }], 'wildcards are one label deep')
  t.same(check({ certificate: good.certificate }, 'WWW.Example.com.'), [], 'the host is normalized first')
  t.same(check({ certificate: good.certificate }, 'shop.example.com', 'rules: { ROUTE-CERT: { requireHostMatch: false } }'), [])
})

t.test('the subject CN counts only when the policy accepts it', async (t) => {
  const cnOnly = testCertificate({ hosts: [], commonName: 'www.example.com' })
  t.match(check({ certificate: cnOnly.certificate }), [{ message: /does not cover spec.host/ }])
  t.same(check({ certificate: cnOnly.certificate }, 'www.example.com', 'rules: { ROUTE-CERT: { acceptCommonName: true } }'), [])
})

t.test('the leaf of a chain is the one checked', async (t) => {
  const other = testCertificate({ hosts: ['ca.example.com'] })
  t.same(check({ certificate: `${good.certificate}\n${other.certificate}`, key: good.key }), [])
  t.match(check({ certificate: `${other.certificate}${good.certificate}` }), [{ message: /does not cover/ }])
})

t.test('malformed PEM gets a clear message that quotes nothing', async (t) => {
  const placeholder = '-----BEGIN CERTIFICATE-----\n[...]\n-----END CERTIFICATE-----'
  const found = check({ certificate: placeholder, key: 'secret-key-material' })
  t.match(found, [{ path: 'spec.tls.certificate', message: 'spec.tls.certificate could not be parsed as an X.509 certificate', fix: 'paste the PEM serving certificate (leaf first)' }])
  t.equal(found.length, 1)
  t.match(check({ certificate: 'hello' }), [{ message: 'spec.tls.certificate holds no PEM certificate (-----BEGIN CERTIFICATE-----)' }])
  t.notOk(JSON.stringify(found).includes('[...]'))
})

t.test('a key that is not the certificate\'s, or unreadable, is denied without quoting it', async (t) => {
  const other = testCertificate()
  const mismatch = check({ certificate: good.certificate, key: other.key })
  t.match(mismatch, [{ path: 'spec.tls.key', message: 'spec.tls.key does not belong to spec.tls.certificate' }])
  const unreadable = check({ certificate: good.certificate, key: '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----' })
  t.match(unreadable, [{ path: 'spec.tls.key', message: 'spec.tls.key is not an unencrypted PEM private key' }])
  for (const violation of [...mismatch, ...unreadable]) {
    t.notOk(violation.message.includes('PRIVATE') || violation.message.includes('c2VjcmV0'))
  }
  t.same(check({ certificate: good.certificate, key: other.key }, 'www.example.com', 'rules: { ROUTE-CERT: { requireKeyMatch: false } }'), [])
})

t.test('weak RSA keys and SHA-1 or MD5 signatures only warn', async (t) => {
  const weak = testCertificate({ bits: 1024, digest: 'sha1' })
  t.match(check({ certificate: weak.certificate, key: weak.key }), [
    { action: 'warn', message: 'spec.tls.certificate has a 1024-bit RSA key; at least 2048 bits expected' },
    { action: 'warn', message: 'spec.tls.certificate is signed with SHA-1 (sha1WithRSAEncryption)' }
  ])
  t.match(check({ certificate: testCertificate({ digest: 'md5' }).certificate }), [{ action: 'warn', message: /signed with MD5/ }])
  t.same(check({ certificate: weak.certificate }, 'www.example.com', 'rules: { ROUTE-CERT: { minRsaBits: 0, warnWeakSignatures: false } }'), [])
  t.match(check({ certificate: weak.certificate }, 'www.example.com', 'rules: { ROUTE-CERT: { action: audit } }'), [{ action: 'audit' }, { action: 'audit' }], 'a milder rule action wins')
})

t.test('expiry warning window', async (t) => {
  const policy = 'rules: { ROUTE-CERT: { warnExpiringWithinDays: 60 } }'
  t.match(check({ certificate: good.certificate }, 'www.example.com', policy), [{ action: 'warn', message: 'spec.tls.certificate expires on 2027-01-01T00:00:00.000Z', fix: 'renew the certificate' }])
  t.same(check({ certificate: good.certificate }, 'www.example.com', policy, new Date('2026-06-01T00:00:00Z')), [])
})

t.test('the DER reader refuses truncated or foreign input', async (t) => {
  t.equal(signatureAlgorithmOid(new Uint8Array([])), undefined)
  t.equal(signatureAlgorithmOid(new Uint8Array([0x30, 0x85, 1, 2, 3, 4, 5])), undefined, 'length of more than 4 bytes')
  t.equal(signatureAlgorithmOid(new Uint8Array([0x30, 0x80])), undefined, 'indefinite length')
  t.equal(signatureAlgorithmOid(new Uint8Array([0x30, 0x05, 0x30, 0x00, 0x30, 0x02, 0x06, 0x00])), undefined, 'an empty OID')
  t.equal(signatureAlgorithmOid(new Uint8Array([0x30, 0x09, 0x30, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x0e, 0x03])), '1.3.14.3')
  t.equal(signatureAlgorithmOid(new Uint8Array([0x30, 0x81, 0x09, 0x30, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x0e, 0x03])), '1.3.14.3', 'long-form length')
  t.equal(signatureAlgorithmOid(new Uint8Array([0x30, 0x10, 0x30, 0x00])), undefined, 'length beyond the end')
})

t.test('CA certificates must be readable and valid now: the chain clients get, and the re-encrypt backend CA', async (t) => {
  const ca = testCertificate({ hosts: [], commonName: 'Shop CA' })
  const expiredCa = testCertificate({ hosts: [], commonName: 'Old CA', notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2025-01-01T00:00:00Z') })
  t.same(check({ certificate: good.certificate, caCertificate: ca.certificate }), [], 'a valid chain passes')
  t.match(check({ certificate: good.certificate, caCertificate: expiredCa.certificate }), [{
    ruleId: 'ROUTE-CERT', action: 'deny', path: 'spec.tls.caCertificate', message: 'spec.tls.caCertificate expired on 2025-01-01T00:00:00.000Z', fix: 'issue a certificate that is valid now'
  }])
  t.match(check({ certificate: good.certificate, caCertificate: `${ca.certificate}\n${expiredCa.certificate}` }), [{
    path: 'spec.tls.caCertificate', message: 'spec.tls.caCertificate (certificate 2) expired on 2025-01-01T00:00:00.000Z'
  }], 'each certificate of a bundle counts')
  const reencrypt = (destinationCACertificate: string) =>
    violationsOf('ROUTE-CERT', route({ host: 'www.example.com', tls: { termination: 'reencrypt', destinationCACertificate } }))
  t.match(reencrypt('not a certificate'), [{ path: 'spec.tls.destinationCACertificate', message: 'spec.tls.destinationCACertificate holds no PEM certificate (-----BEGIN CERTIFICATE-----)' }],
    'checked without a serving certificate too')
  t.match(reencrypt('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'), [{ message: 'spec.tls.destinationCACertificate certificate 1 could not be parsed as an X.509 certificate' }])
  t.same(reencrypt(ca.certificate), [])
  t.same(check({ caCertificate: expiredCa.certificate }, 'www.example.com', 'rules: { ROUTE-CERT: { checkCaCertificates: false } }'), [], 'the CA check can be turned off')
  t.notMatch(JSON.stringify(check({ caCertificate: expiredCa.certificate })), 'BEGIN CERTIFICATE', 'never quoted')
})
