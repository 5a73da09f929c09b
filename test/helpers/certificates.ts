import { generateKeyPairSync, sign } from 'node:crypto'
import forge from 'node-forge'

export interface TestCertificateOptions {
  /** DNS subjectAltNames; none when empty. @default ['www.example.com'] */
  readonly hosts?: readonly string[]
  readonly commonName?: string
  /** @default 2026-01-01 */
  readonly notBefore?: Date
  /** @default 2027-01-01 */
  readonly notAfter?: Date
  /** @default 2048 */
  readonly bits?: number
  /** @default 'sha256' */
  readonly digest?: 'sha256' | 'sha1' | 'md5'
}

/**
 * A self-signed certificate and its key, made at run time (keys are never committed). Node
 * generates the RSA key (fast); node-forge assembles and signs the certificate.
 */
export function testCertificate (options: TestCertificateOptions = {}): { certificate: string, key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: options.bits ?? 2048 })
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const certificate = forge.pki.createCertificate()
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString())
  certificate.serialNumber = '01'
  certificate.validity.notBefore = options.notBefore ?? new Date('2026-01-01T00:00:00Z')
  certificate.validity.notAfter = options.notAfter ?? new Date('2027-01-01T00:00:00Z')
  const subject = [{ name: 'commonName', value: options.commonName ?? 'netguard test' }]
  certificate.setSubject(subject)
  certificate.setIssuer(subject)
  const hosts = options.hosts ?? ['www.example.com']
  if (hosts.length > 0) {
    certificate.setExtensions([{ name: 'subjectAltName', altNames: hosts.map((value) => ({ type: 2, value })) }])
  }
  certificate.sign(forge.pki.privateKeyFromPem(key), forge.md[options.digest ?? 'sha256'].create())
  return { certificate: forge.pki.certificateToPem(certificate), key }
}

/** Signature algorithms an EC test certificate can name; `oidBytes` writes any OID, encoded by hand. */
const EC_SIGNATURES = { sha1: '1.2.840.10045.4.1', sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3' } as const

/**
 * A self-signed ECDSA certificate, made at run time: node-forge cannot sign with EC keys, so its
 * ASN.1 writer assembles the DER and node:crypto signs it. `signatureOid` (raw OID content bytes)
 * names another signature algorithm; OpenSSL still parses the certificate.
 */
export function ecTestCertificate (options: { curve?: 'P-256' | 'P-384', digest?: keyof typeof EC_SIGNATURES, signatureOid?: readonly number[] } = {}): { certificate: string, key: string } {
  const { asn1 } = forge
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: options.curve ?? 'P-256' })
  const digest = options.digest ?? 'sha256'
  const oid = options.signatureOid === undefined
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(EC_SIGNATURES[digest]).getBytes())
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, String.fromCharCode(...options.signatureOid))
  const algorithm = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [oid])
  const name = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('2.5.4.3').getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, 'netguard ec test')
    ])
  ])])
  const time = (date: string): forge.asn1.Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(new Date(date)))
  const spki = asn1.fromDer(forge.util.createBuffer(publicKey.export({ type: 'spki', format: 'der' }).toString('binary')))
  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, String.fromCharCode(2))]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, String.fromCharCode(1)),
    algorithm,
    name,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [time('2026-01-01T00:00:00Z'), time('2027-01-01T00:00:00Z')]),
    name,
    spki
  ])
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary')
  const signature = sign(digest, tbsDer, privateKey).toString('binary')
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs, algorithm, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${signature}`)
  ])
  const der = Buffer.from(asn1.toDer(certificate).getBytes(), 'binary')
  return {
    certificate: `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  }
}
