import type { X509Certificate } from 'node:crypto'
import Type, { type Static } from 'typebox'
import type { KubeObject, RouteTls } from '../../../kube/types.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { bundleCertificates, keyMatches, leafCertificate, rsaBits, weakSignature } from './certificate.ts'
import { ROUTE_KIND, routeHost, routeTls, tlsField } from './route.ts'

const SettingsSchema = Type.Object({
  requireHostMatch: Type.Optional(Type.Boolean({ description: 'the certificate must cover spec.host (wildcards one label deep)' })),
  acceptCommonName: Type.Optional(Type.Boolean({ description: 'let the subject CN name the host when the certificate has no DNS subjectAltName (browsers do not)' })),
  requireKeyMatch: Type.Optional(Type.Boolean({ description: 'spec.tls.key must be the unencrypted private key of the certificate' })),
  minRsaBits: Type.Optional(Type.Integer({ minimum: 0, description: 'warn on RSA keys shorter than this; 0 turns the warning off' })),
  warnWeakSignatures: Type.Optional(Type.Boolean({ description: 'warn on certificates signed with SHA-1 or MD5' })),
  warnExpiringWithinDays: Type.Optional(Type.Integer({ minimum: 0, description: 'warn when the certificate expires within this many days; 0 turns the warning off' })),
  checkCaCertificates: Type.Optional(Type.Boolean({ description: 'also read spec.tls.caCertificate and destinationCACertificate: each certificate must parse and be valid now' }))
})

type Settings = Required<Static<typeof SettingsSchema>>

const PATH = 'spec.tls.certificate'
const DAY = 24 * 60 * 60 * 1000

/**
 * An inline certificate the router would serve must be valid now and name the Route's host;
 * otherwise clients see TLS errors, or the router falls back to its default certificate. Weak
 * keys and signatures only warn. Messages never quote the certificate or the key.
 */
export const routeCert = defineRule({
  type: 'validate',
  id: 'ROUTE-CERT',
  kinds: ROUTE_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: {
    spec: 'object',
    'spec.host': 'string',
    'spec.tls': 'object',
    'spec.tls.certificate': 'string',
    'spec.tls.key': 'string',
    'spec.tls.caCertificate': 'string',
    'spec.tls.destinationCACertificate': 'string'
  },
  summary: 'inline spec.tls.certificate expired, not yet valid, not covering spec.host or not matching spec.tls.key, or a CA certificate unreadable or outside its validity; warns on weak keys and signatures',
  category: 'Ingress security',
  severity: 'medium',
  settings: SettingsSchema,
  defaults: { requireHostMatch: true, acceptCommonName: false, requireKeyMatch: true, minRsaBits: 2048, warnWeakSignatures: true, warnExpiringWithinDays: 0, checkCaCertificates: true },
  compile: (settings) => settings,
  check (object, context, settings) {
    const tls = routeTls(object)
    if (tls === undefined) return []
    return [...servingFindings(object, tls, context.now, settings), ...(settings.checkCaCertificates ? caFindings(tls, context.now, settings) : [])]
  }
})

function servingFindings (object: KubeObject, tls: RouteTls, now: Date, settings: Settings): Finding[] {
  const pem = tlsField(tls, 'certificate')
  if (pem === undefined) return []
  const leaf = leafCertificate(pem)
  if ('problem' in leaf) return [{ path: PATH, code: 'unreadable', message: `${PATH} ${leaf.problem}`, fix: 'paste the PEM serving certificate (leaf first)' }]
  const { certificate } = leaf
  const findings = validityFindings(certificate, PATH, now, settings)
  const host = routeHost(object)
  if (settings.requireHostMatch && host !== undefined && !host.startsWith('*.') &&
    certificate.checkHost(host, { subject: settings.acceptCommonName ? 'default' : 'never', partialWildcards: false }) === undefined) {
    findings.push({ path: PATH, code: 'host-not-covered', message: `${PATH} does not cover spec.host ${host}`, fix: `use a certificate whose subjectAltName includes ${host}` })
  }
  const key = tlsField(tls, 'key')
  if (settings.requireKeyMatch && key !== undefined) {
    const matches = keyMatches(certificate, key)
    if (matches !== true) {
      const problem = matches === false ? 'does not belong to spec.tls.certificate' : matches.problem
      findings.push({ path: 'spec.tls.key', code: matches === false ? 'key-mismatch' : 'key-unreadable', message: `spec.tls.key ${problem}`, fix: 'set spec.tls.key to the unencrypted private key of the certificate' })
    }
  }
  const bits = rsaBits(certificate)
  if (bits !== undefined && bits < settings.minRsaBits) {
    findings.push({ path: PATH, code: 'weak-key', message: `${PATH} has a ${bits}-bit RSA key; at least ${settings.minRsaBits} bits expected`, fix: 'issue a certificate with a stronger key', action: 'warn' })
  }
  const weak = settings.warnWeakSignatures ? weakSignature(certificate) : undefined
  if (weak !== undefined) {
    findings.push({ path: PATH, code: 'weak-signature', message: `${PATH} is signed with ${weak}`, fix: 'issue a certificate signed with SHA-256 or stronger', action: 'warn' })
  }
  return findings
}

/**
 * The chain the router sends after the serving certificate (`caCertificate`) and the CA it checks
 * a re-encrypt backend against (`destinationCACertificate`): a certificate there that cannot be
 * read or is outside its validity breaks every client, or every connection to the backend.
 */
function caFindings (tls: RouteTls, now: Date, settings: Settings): Finding[] {
  return CA_FIELDS.flatMap((field) => {
    const pem = tlsField(tls, field)
    if (pem === undefined) return []
    const path = `spec.tls.${field}`
    const bundle = bundleCertificates(pem)
    if ('problem' in bundle) return [{ path, code: 'unreadable', message: `${path} ${bundle.problem}`, fix: 'paste the PEM certificates of the CA' }]
    return bundle.certificates.flatMap((certificate, index) =>
      validityFindings(certificate, bundle.certificates.length === 1 ? path : `${path} (certificate ${index + 1})`, now, settings, path))
  })
}

const CA_FIELDS = ['caCertificate', 'destinationCACertificate'] as const

/** Not yet valid or expired (deny), or expiring soon (warn). `subject` names the certificate in messages. */
function validityFindings (certificate: X509Certificate, subject: string, now: Date, settings: Settings, path = subject): Finding[] {
  const renew = 'issue a certificate that is valid now'
  const notBefore = new Date(certificate.validFrom)
  const notAfter = new Date(certificate.validTo)
  if (now < notBefore) return [{ path, code: 'not-yet-valid', message: `${subject} is not valid before ${notBefore.toISOString()}`, fix: renew }]
  if (now > notAfter) return [{ path, code: 'expired', message: `${subject} expired on ${notAfter.toISOString()}`, fix: renew }]
  if (settings.warnExpiringWithinDays > 0 && notAfter.getTime() - now.getTime() < settings.warnExpiringWithinDays * DAY) {
    return [{ path, code: 'expiring', message: `${subject} expires on ${notAfter.toISOString()}`, fix: 'renew the certificate', action: 'warn' }]
  }
  return []
}
