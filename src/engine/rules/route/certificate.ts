// Hand-built: reads the signature algorithm's OID from the DER, which @peculiar/x509 would give.
// Why: node:crypto's X509Certificate (Node 20 and 22) has no signature-algorithm accessor, node-forge
// cannot read EC certificates, and @peculiar/x509 brings eleven packages (a DI container among
// them) for one OID; the rest of this file is node:crypto. Tested on RSA, EC and wide OIDs.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto'

// Reading the PEM fields of a Route's spec.tls. Nothing here ever returns or reports their content.

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/

/** The first (leaf) certificate of a PEM bundle; a reason when there is none or it cannot be read. */
export function leafCertificate (pem: string): { readonly certificate: X509Certificate } | { readonly problem: string } {
  const block = PEM_CERTIFICATE.exec(pem)
  if (block === null) return { problem: 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)' }
  try {
    return { certificate: new X509Certificate(block[0]) }
  } catch {
    return { problem: 'could not be parsed as an X.509 certificate' }
  }
}

/** Every certificate of a PEM bundle (a CA chain), in order; a reason when one cannot be read or there is none. */
export function bundleCertificates (pem: string): { readonly certificates: readonly X509Certificate[] } | { readonly problem: string } {
  const blocks = pem.match(new RegExp(PEM_CERTIFICATE.source, 'g')) ?? []
  if (blocks.length === 0) return { problem: 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)' }
  const certificates: X509Certificate[] = []
  for (const [index, block] of blocks.entries()) {
    try {
      certificates.push(new X509Certificate(block))
    } catch {
      return { problem: `certificate ${index + 1} could not be parsed as an X.509 certificate` }
    }
  }
  return { certificates }
}

/** Whether `keyPem` is the private key of `certificate`; a reason when the key cannot be read. */
export function keyMatches (certificate: X509Certificate, keyPem: string): boolean | { readonly problem: string } {
  let publicKey: Buffer
  try {
    publicKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' })
  } catch {
    return { problem: 'is not an unencrypted PEM private key' }
  }
  return publicKey.equals(certificate.publicKey.export({ type: 'spki', format: 'der' }))
}

/** RSA modulus length in bits, or undefined for other key types. */
export function rsaBits (certificate: X509Certificate): number | undefined {
  const key = certificate.publicKey
  return key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss' ? key.asymmetricKeyDetails?.modulusLength : undefined
}

const WEAK_SIGNATURES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'MD2 (md2WithRSAEncryption)',
  '1.2.840.113549.1.1.4': 'MD5 (md5WithRSAEncryption)',
  '1.2.840.113549.1.1.5': 'SHA-1 (sha1WithRSAEncryption)',
  '1.3.14.3.2.29': 'SHA-1 (sha1WithRSASignature)',
  '1.2.840.10040.4.3': 'SHA-1 (dsa-with-sha1)',
  '1.2.840.10045.4.1': 'SHA-1 (ecdsa-with-SHA1)'
}

/**
 * The weak hash the certificate is signed with (MD2, MD5, SHA-1), if any. Node 20's
 * X509Certificate has no signature-algorithm accessor, so this reads the outer
 * `signatureAlgorithm` of the DER: SEQUENCE { tbsCertificate, SEQUENCE { OID, ... }, BIT STRING }.
 */
export function weakSignature (certificate: X509Certificate): string | undefined {
  const oid = signatureAlgorithmOid(certificate.raw)
  return oid === undefined ? undefined : WEAK_SIGNATURES[oid]
}

export function signatureAlgorithmOid (der: Uint8Array): string | undefined {
  const outer = readHeader(der, 0, 0x30)
  const tbs = outer === undefined ? undefined : readHeader(der, outer.start, 0x30)
  const algorithm = tbs === undefined ? undefined : readHeader(der, tbs.end, 0x30)
  const oid = algorithm === undefined ? undefined : readHeader(der, algorithm.start, 0x06)
  return oid === undefined ? undefined : decodeOid(der.subarray(oid.start, oid.end))
}

/** A DER element of the expected tag at `offset`: where its content starts and ends. */
function readHeader (der: Uint8Array, offset: number, tag: number): { readonly start: number, readonly end: number } | undefined {
  if (der[offset] !== tag || offset + 2 > der.length) return undefined
  const first = der[offset + 1] as number
  let length = first
  let start = offset + 2
  if (first >= 0x80) {
    const count = first & 0x7f
    if (count === 0 || count > 4 || start + count > der.length) return undefined
    length = 0
    for (let index = 0; index < count; index++) length = length * 256 + (der[start + index] as number)
    start += count
  }
  const end = start + length
  return end > der.length ? undefined : { start, end }
}

/** Dotted form of an OID's content: base-128 subidentifiers, the first holding the first two arcs. */
function decodeOid (bytes: Uint8Array): string | undefined {
  const subidentifiers: number[] = []
  let value = 0
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f)
    if ((byte & 0x80) === 0) {
      subidentifiers.push(value)
      value = 0
    }
  }
  const [first, ...rest] = subidentifiers
  if (first === undefined || (bytes.at(-1) as number) >= 0x80) return undefined
  const arc = first < 80 ? Math.floor(first / 40) : 2
  return [arc, first - arc * 40, ...rest].join('.')
}
