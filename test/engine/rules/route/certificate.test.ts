import { X509Certificate } from 'node:crypto'
import t from 'tap'
import { keyMatches, rsaBits, signatureAlgorithmOid, weakSignature } from '../../../../src/engine/rules/route/certificate.ts'
import { ecTestCertificate, testCertificate } from '../../../helpers/certificates.ts'

// The hand-read signature algorithm (certificate.ts says why it is read by hand) against
// certificates of every key type the router takes.

const parsed = (pem: string): X509Certificate => new X509Certificate(pem)

t.test('EC certificates: the signature algorithm, the key, no RSA size', async (t) => {
  const sha1 = ecTestCertificate({ digest: 'sha1' })
  t.equal(signatureAlgorithmOid(parsed(sha1.certificate).raw), '1.2.840.10045.4.1')
  t.equal(weakSignature(parsed(sha1.certificate)), 'SHA-1 (ecdsa-with-SHA1)')
  const p384 = ecTestCertificate({ curve: 'P-384', digest: 'sha384' })
  t.equal(signatureAlgorithmOid(parsed(p384.certificate).raw), '1.2.840.10045.4.3.3')
  t.equal(weakSignature(parsed(p384.certificate)), undefined)
  t.equal(rsaBits(parsed(p384.certificate)), undefined)
  t.equal(keyMatches(parsed(p384.certificate), p384.key), true)
  t.equal(keyMatches(parsed(p384.certificate), sha1.key), false)
})

t.test('RSA certificates: SHA-1 and MD5 are weak, SHA-256 is not', async (t) => {
  t.equal(weakSignature(parsed(testCertificate({ digest: 'sha1' }).certificate)), 'SHA-1 (sha1WithRSAEncryption)')
  t.equal(weakSignature(parsed(testCertificate({ digest: 'md5' }).certificate)), 'MD5 (md5WithRSAEncryption)')
  t.equal(signatureAlgorithmOid(parsed(testCertificate().certificate).raw), '1.2.840.113549.1.1.11')
})

t.test('OIDs whose first or later arcs take several bytes are read whole', async (t) => {
  // 2.999.3: the first two arcs make 1079, written in two bytes (0x88 0x37).
  const wide = ecTestCertificate({ signatureOid: [0x88, 0x37, 0x03] })
  t.equal(signatureAlgorithmOid(parsed(wide.certificate).raw), '2.999.3')
  t.equal(weakSignature(parsed(wide.certificate)), undefined)
  // 1.2.840.113549.1.1.5: 840 and 113549 take two and three bytes.
  const sha1Rsa = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05]
  t.equal(signatureAlgorithmOid(parsed(ecTestCertificate({ signatureOid: sha1Rsa }).certificate).raw), '1.2.840.113549.1.1.5')
})

t.test('an OID whose last subidentifier is cut off is not read', async (t) => {
  t.equal(signatureAlgorithmOid(new Uint8Array([0x30, 0x08, 0x30, 0x00, 0x30, 0x04, 0x06, 0x02, 0x2b, 0x8e])), undefined)
})
