import Type from 'typebox'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { keyMatches, leafCertificate, rsaBits, weakSignature } from './certificate.ts'
import { ROUTE_KIND, routeHost, routeTls, tlsField } from './route.ts'

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
  summary: 'inline spec.tls.certificate expired, not yet valid, not covering spec.host or not matching spec.tls.key; warns on weak keys and signatures',
  settings: Type.Object({
    requireHostMatch: Type.Optional(Type.Boolean({ description: 'the certificate must cover spec.host (wildcards one label deep)' })),
    acceptCommonName: Type.Optional(Type.Boolean({ description: 'let the subject CN name the host when the certificate has no DNS subjectAltName (browsers do not)' })),
    requireKeyMatch: Type.Optional(Type.Boolean({ description: 'spec.tls.key must be the unencrypted private key of the certificate' })),
    minRsaBits: Type.Optional(Type.Integer({ minimum: 0, description: 'warn on RSA keys shorter than this; 0 turns the warning off' })),
    warnWeakSignatures: Type.Optional(Type.Boolean({ description: 'warn on certificates signed with SHA-1 or MD5' })),
    warnExpiringWithinDays: Type.Optional(Type.Integer({ minimum: 0, description: 'warn when the certificate expires within this many days; 0 turns the warning off' }))
  }),
  defaults: { requireHostMatch: true, acceptCommonName: false, requireKeyMatch: true, minRsaBits: 2048, warnWeakSignatures: true, warnExpiringWithinDays: 0 },
  compile: (settings) => settings,
  check (object, context, settings) {
    const tls = routeTls(object)
    const pem = tls === undefined ? undefined : tlsField(tls, 'certificate')
    if (tls === undefined || pem === undefined) return []
    const leaf = leafCertificate(pem)
    if ('problem' in leaf) return [{ path: PATH, message: `${PATH} ${leaf.problem}`, fix: 'paste the PEM serving certificate (leaf first)' }]
    const { certificate } = leaf
    const findings: Finding[] = []
    const renew = 'issue a certificate that is valid now'
    const notBefore = new Date(certificate.validFrom)
    const notAfter = new Date(certificate.validTo)
    if (context.now < notBefore) {
      findings.push({ path: PATH, message: `${PATH} is not valid before ${notBefore.toISOString()}`, fix: renew })
    } else if (context.now > notAfter) {
      findings.push({ path: PATH, message: `${PATH} expired on ${notAfter.toISOString()}`, fix: renew })
    } else if (settings.warnExpiringWithinDays > 0 && notAfter.getTime() - context.now.getTime() < settings.warnExpiringWithinDays * DAY) {
      findings.push({ path: PATH, message: `${PATH} expires on ${notAfter.toISOString()}`, fix: 'renew the certificate', action: 'warn' })
    }
    const host = routeHost(object)
    if (settings.requireHostMatch && host !== undefined && !host.startsWith('*.') &&
      certificate.checkHost(host, { subject: settings.acceptCommonName ? 'default' : 'never', partialWildcards: false }) === undefined) {
      findings.push({ path: PATH, message: `${PATH} does not cover spec.host ${host}`, fix: `use a certificate whose subjectAltName includes ${host}` })
    }
    const key = tlsField(tls, 'key')
    if (settings.requireKeyMatch && key !== undefined) {
      const matches = keyMatches(certificate, key)
      if (matches !== true) {
        const problem = matches === false ? 'does not belong to spec.tls.certificate' : matches.problem
        findings.push({ path: 'spec.tls.key', message: `spec.tls.key ${problem}`, fix: 'set spec.tls.key to the unencrypted private key of the certificate' })
      }
    }
    const bits = rsaBits(certificate)
    if (bits !== undefined && bits < settings.minRsaBits) {
      findings.push({ path: PATH, message: `${PATH} has a ${bits}-bit RSA key; at least ${settings.minRsaBits} bits expected`, fix: 'issue a certificate with a stronger key', action: 'warn' })
    }
    const weak = settings.warnWeakSignatures ? weakSignature(certificate) : undefined
    if (weak !== undefined) {
      findings.push({ path: PATH, message: `${PATH} is signed with ${weak}`, fix: 'issue a certificate signed with SHA-256 or stronger', action: 'warn' })
    }
    return findings
  }
})
