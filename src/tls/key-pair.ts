import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { CertificateError } from '../errors.ts'

/** A serving certificate (PEM, leaf first, chain after) and its private key, checked together. */
export interface KeyPair {
  readonly cert: string
  readonly key: string
  readonly certificate: X509Certificate
  readonly notBefore: Date
  readonly notAfter: Date
}

/** What /readyz reports about the serving certificate. */
export interface CertificateStatus {
  /** `dev` for a generated development pair, else the certificate file. */
  readonly source: string
  readonly notAfter: Date
  readonly loadedAt: Date
  /** Set while the files on disk are bad and the previous pair keeps serving. */
  readonly lastError: string | undefined
}

/** Where the two halves came from, for error messages. */
export interface KeyPairSource {
  readonly cert: string
  readonly key: string
}

/**
 * Checks that `cert` parses, that `key` is its private key, and that it is valid at `now`.
 * Throws NG_ERR_CERTIFICATE naming the file and what is wrong; never quotes the key.
 */
export function checkKeyPair (cert: string, key: string, now: Date, source: KeyPairSource = { cert: 'certificate', key: 'key' }): KeyPair {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(cert)
  } catch {
    throw new CertificateError(`${source.cert}: not a PEM certificate`)
  }
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(key)
  } catch {
    throw new CertificateError(`${source.key}: not an unencrypted PEM private key`)
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new CertificateError(`${source.key} is not the private key of the certificate in ${source.cert}`)
  }
  const notBefore = new Date(certificate.validFrom)
  const notAfter = new Date(certificate.validTo)
  if (now < notBefore) throw new CertificateError(`${source.cert}: not valid before ${notBefore.toISOString()}`)
  if (now >= notAfter) throw new CertificateError(`${source.cert}: expired at ${notAfter.toISOString()}`)
  return { cert, key, certificate, notBefore, notAfter }
}

/** Reads both files, then checks them as a pair. */
export async function readKeyPair (certFile: string, keyFile: string, now: Date): Promise<KeyPair> {
  const [cert, key] = await Promise.all([readText(certFile), readText(keyFile)])
  return checkKeyPair(cert, key, now, { cert: certFile, key: keyFile })
}

async function readText (file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new CertificateError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
}
