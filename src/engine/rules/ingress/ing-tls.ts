import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { displayHost, normalizeHost, tlsHostCovers } from '../../net/hosts.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import { annotation, INGRESS_KINDS, ingressRules, okdTermination, OKD_TERMINATION_ANNOTATION, ruleHost, tlsEntries } from './ingress.ts'

const ALLOW_HTTP_ANNOTATION = 'kubernetes.io/ingress.allow-http'

/**
 * An Ingress serves HTTPS only for hosts its TLS section names; every other host is plain HTTP.
 * On OKD, `route.openshift.io/termination: edge|reencrypt|passthrough` makes the generated Routes
 * terminate TLS for every host (with the router's certificate where the Ingress names none).
 */
export const ingTls = defineRule({
  type: 'validate',
  id: 'ING-TLS',
  kinds: INGRESS_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: {
    spec: 'object',
    'spec.tls': 'list',
    'spec.tls[]': 'object',
    'spec.tls[].hosts': 'list',
    'spec.tls[].hosts[]': 'string',
    'spec.rules': 'list',
    'spec.rules[]': 'object',
    'spec.rules[].host': 'string'
  },
  summary: 'no spec.tls, or a rule host not covered by spec.tls (a TLS host *.example.com covers one label)',
  category: 'Ingress security',
  severity: 'high',
  settings: Type.Object({
    requireTls: Type.Optional(Type.Boolean({ description: 'spec.tls must have at least one entry' })),
    requireHostCoverage: Type.Optional(Type.Boolean({ description: 'every spec.rules[].host must be covered by a spec.tls[].hosts entry' })),
    tlsWithoutHostsCoversAll: Type.Optional(Type.Boolean({ description: 'a spec.tls entry without hosts covers every host (the controller\'s default certificate)' })),
    okdTerminationAnnotation: Type.Optional(Type.Boolean({ description: `a valid ${OKD_TERMINATION_ANNOTATION} annotation counts as TLS for every host` })),
    requireAllowHttpFalse: Type.Optional(Type.Boolean({ description: `require the annotation ${ALLOW_HTTP_ANNOTATION}: "false"` })),
    allowedNamespaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'namespaces (globs) where plain-HTTP Ingresses are allowed' }))
  }),
  defaults: {
    requireTls: true,
    requireHostCoverage: true,
    tlsWithoutHostsCoversAll: true,
    okdTerminationAnnotation: true,
    requireAllowHttpFalse: false,
    allowedNamespaces: []
  },
  compile: (settings) => ({ ...settings, allowed: compileGlobs(settings.allowedNamespaces) }),
  check (object, context, settings) {
    if (settings.allowed.matches(context.namespace ?? '')) return []
    const findings: Finding[] = []
    if (settings.requireAllowHttpFalse && annotation(object, ALLOW_HTTP_ANNOTATION) !== 'false') {
      const path = `metadata.annotations["${ALLOW_HTTP_ANNOTATION}"]`
      findings.push({ path, message: `${path} is not "false", so the Ingress may serve plain HTTP`, fix: 'set the annotation to "false"' })
    }
    if (settings.okdTerminationAnnotation && okdTermination(object) !== undefined) return findings
    const entries = tlsEntries(object)
    if (entries.length === 0 && settings.requireTls) {
      findings.push({ path: 'spec.tls', message: `spec.tls is missing, so the Ingress serves plain HTTP ${inNamespace(context)}`, fix: 'add spec.tls with the hosts and their certificate secret' })
      return findings
    }
    if (!settings.requireHostCoverage) return findings
    const hostless = entries.some(({ item }) => !Array.isArray(item.hosts) || item.hosts.length === 0)
    if (hostless && settings.tlsWithoutHostsCoversAll) return findings
    const tlsHosts = entries.flatMap(({ item }) => Array.isArray(item.hosts) ? item.hosts.map(normalizeHost) : [])
      .filter((host): host is string => host !== undefined)
    for (const { item: rule, index } of ingressRules(object)) {
      const text = ruleHost(rule)
      if (text === undefined) continue
      const host = normalizeHost(text) ?? text
      if (tlsHosts.some((pattern) => tlsHostCovers(pattern, host))) continue
      const path = `spec.rules[${index}].host`
      findings.push({ path, message: `${path} ${displayHost(text)} is not covered by spec.tls, so it is served over plain HTTP`, fix: 'add the host to spec.tls[].hosts with its certificate secret' })
    }
    return findings
  }
})
