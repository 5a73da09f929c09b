import { generateKeyPairSync } from 'node:crypto'
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
