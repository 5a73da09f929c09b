import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { displayHost, isWildcardHost, parentDomain } from '../../net/hosts.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import { isSubdomainRoute, ROUTE_KIND, routeHostText, routeSpec } from './route.ts'

/** A wildcard Route answers for every host of a domain, including ones other teams would use. */
export const routeWildcard = defineRule({
  type: 'validate',
  id: 'ROUTE-WILDCARD',
  kinds: ROUTE_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: { spec: 'object', 'spec.host': 'string', 'spec.subdomain': 'string', 'spec.wildcardPolicy': 'string' },
  summary: 'wildcardPolicy Subdomain, or a * in spec.host or spec.subdomain',
  category: 'Ingress security',
  severity: 'high',
  settings: Type.Object({
    allowedNamespaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'namespaces (globs) where wildcard Routes are allowed' }))
  }),
  defaults: { allowedNamespaces: [] },
  compile: (settings) => ({ allowed: compileGlobs(settings.allowedNamespaces) }),
  check (object, context, { allowed }) {
    if (allowed.matches(context.namespace ?? '')) return []
    const fix = 'name one host in spec.host and set spec.wildcardPolicy to None'
    const findings: Finding[] = []
    const host = routeHostText(object)
    if (isSubdomainRoute(object)) {
      const domain = host === undefined ? 'its domain' : `*.${parentDomain(host.toLowerCase())}`
      findings.push({ path: 'spec.wildcardPolicy', message: `spec.wildcardPolicy Subdomain claims every host of ${domain} ${inNamespace(context)}`, fix })
    }
    for (const field of ['host', 'subdomain'] as const) {
      const value = field === 'host' ? host : routeSpec(object).subdomain
      if (typeof value === 'string' && isWildcardHost(value)) {
        findings.push({ path: `spec.${field}`, message: `spec.${field} ${displayHost(value)} is a wildcard ${inNamespace(context)}`, fix })
      }
    }
    return findings
  }
})
