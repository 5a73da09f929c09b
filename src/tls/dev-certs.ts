import { generateKeyPair, randomBytes, type X509Certificate } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { checkKeyPair, type KeyPair } from './key-pair.ts'

const generateRsa = promisify(generateKeyPair)

/** File names in the development certificate folder (those of a kubernetes.io/tls Secret). */
export const DEV_FILES = { ca: 'ca.crt', caKey: 'ca.key', cert: 'tls.crt', key: 'tls.key' } as const

const DAY_MS = 24 * 60 * 60 * 1000
const CA_DAYS = 5 * 365
const SERVING_DAYS = 365
/** A pair that expires within this window is replaced rather than reused. */
const RENEW_BEFORE_MS = 30 * DAY_MS

export interface DevCertificates {
  readonly caFile: string
  readonly certFile: string
  readonly keyFile: string
  /** The CA certificate (PEM): what a webhook configuration's caBundle holds, base64-encoded. */
  readonly caPem: string
  readonly pair: KeyPair
  /** What was (re)generated this time. */
  readonly generated: 'nothing' | 'serving certificate' | 'CA and serving certificate'
}

/**
 * A development CA and a serving certificate for `names` (DNS names and IP addresses) in `dir`.
 * Files that are valid for another month, match their keys and cover every name are reused, so
 * a CA the user already trusts keeps working; anything else is generated anew.
 */
export async function ensureDevCertificates (dir: string, names: readonly string[], now: Date): Promise<DevCertificates> {
  const files = {
    caFile: join(dir, DEV_FILES.ca),
    caKeyFile: join(dir, DEV_FILES.caKey),
    certFile: join(dir, DEV_FILES.cert),
    keyFile: join(dir, DEV_FILES.key)
  }
  const renewAt = new Date(now.getTime() + RENEW_BEFORE_MS)
  let ca = await reusable(files.caFile, files.caKeyFile, renewAt)
  let generated: DevCertificates['generated'] = 'nothing'
  if (ca === undefined) {
    ca = await createCa(now)
    generated = 'CA and serving certificate'
  }
  let pair = generated === 'nothing' ? await reusable(files.certFile, files.keyFile, renewAt) : undefined
  if (pair === undefined || !issuedBy(pair.certificate, ca.certificate) || !covers(pair.certificate, names)) {
    pair = await createServing(ca, names, now)
    if (generated === 'nothing') generated = 'serving certificate'
  }
  if (generated !== 'nothing') {
    await mkdir(dir, { recursive: true })
    if (generated === 'CA and serving certificate') {
      await writeAtomically(files.caKeyFile, ca.key, 0o600)
      await writeAtomically(files.caFile, ca.cert, 0o644)
    }
    await writeAtomically(files.keyFile, pair.key, 0o600)
    await writeAtomically(files.certFile, pair.cert, 0o644)
  }
  return { caFile: files.caFile, certFile: files.certFile, keyFile: files.keyFile, caPem: ca.cert, pair, generated }
}

async function reusable (certFile: string, keyFile: string, renewAt: Date): Promise<KeyPair | undefined> {
  try {
    return checkKeyPair(await readFile(certFile, 'utf8'), await readFile(keyFile, 'utf8'), renewAt)
  } catch {
    return undefined
  }
}

function issuedBy (certificate: X509Certificate, ca: X509Certificate): boolean {
  return certificate.checkIssued(ca) && certificate.verify(ca.publicKey)
}

function covers (certificate: X509Certificate, names: readonly string[]): boolean {
  return names.every((name) => isIP(name) === 0
    ? certificate.checkHost(name, { wildcards: false }) !== undefined
    : certificate.checkIP(name) !== undefined)
}

interface Issued {
  readonly subject: string
  readonly publicKey: string
  readonly extensions: object[]
  readonly days: number
}

async function createCa (now: Date): Promise<KeyPair> {
  const { publicKey, privateKey } = await rsaKeyPair()
  return checkKeyPair(await sign({
    subject: 'netguard development CA',
    publicKey,
    days: CA_DAYS,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' }
    ]
  }, undefined, privateKey, now), privateKey, now)
}

async function createServing (ca: KeyPair, names: readonly string[], now: Date): Promise<KeyPair> {
  const { publicKey, privateKey } = await rsaKeyPair()
  const altNames = names.map((name) => isIP(name) === 0 ? { type: 2, value: name } : { type: 7, ip: name })
  return checkKeyPair(await sign({
    subject: names[0] ?? 'netguard',
    publicKey,
    days: SERVING_DAYS,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
      { name: 'subjectKeyIdentifier' }
    ]
  }, ca.cert, ca.key, now), privateKey, now)
}

/**
 * Signs with forge (Node cannot create certificates); keys come from node:crypto, which is far
 * faster. forge loads only here, when a certificate is made: a server that finds its pair on disk
 * does not carry it (~10 MB of RSS).
 */
async function sign (issued: Issued, issuerPem: string | undefined, issuerKey: string, now: Date): Promise<string> {
  const { default: forge } = await import('node-forge')
  const certificate = forge.pki.createCertificate()
  certificate.publicKey = forge.pki.publicKeyFromPem(issued.publicKey)
  // 16 random bytes with the top bit clear: a positive serial as RFC 5280 requires.
  certificate.serialNumber = `0${randomBytes(16).toString('hex').slice(1)}`
  certificate.validity.notBefore = new Date(now.getTime() - 5 * 60 * 1000)
  certificate.validity.notAfter = new Date(now.getTime() + issued.days * DAY_MS)
  const subject = [{ name: 'commonName', value: issued.subject }, { name: 'organizationName', value: 'netguard development' }]
  certificate.setSubject(subject)
  const issuer = issuerPem === undefined ? undefined : forge.pki.certificateFromPem(issuerPem)
  certificate.setIssuer(issuer?.subject.attributes ?? subject)
  const authority = issuer === undefined ? [] : [{ name: 'authorityKeyIdentifier', keyIdentifier: issuer.generateSubjectKeyIdentifier().getBytes() }]
  certificate.setExtensions([...issued.extensions, ...authority])
  certificate.sign(forge.pki.privateKeyFromPem(issuerKey), forge.md.sha256.create())
  return forge.pki.certificateToPem(certificate)
}

async function rsaKeyPair (): Promise<{ publicKey: string, privateKey: string }> {
  return await generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' }
  })
}

/** Write then rename, so a reader never sees half a file and a key is never briefly world-readable. */
async function writeAtomically (file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, text, { mode })
  await rename(temporary, file)
}
