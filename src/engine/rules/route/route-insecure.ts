import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { inNamespace } from '../../messages.ts'
import { ROUTE_KIND, routeTls, tlsField } from './route.ts'

const POLICIES = ['None', 'Redirect', 'Allow'] as const

/**
 * `insecureEdgeTerminationPolicy: Allow` serves a TLS Route over plain HTTP as well. Absent means
 * None; values are compared case-insensitively so that no spelling the API might accept slips by.
 */
export const routeInsecure = defineRule({
  type: 'validate',
  id: 'ROUTE-INSECURE',
  kinds: ROUTE_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: { spec: 'object', 'spec.tls': 'object', 'spec.tls.insecureEdgeTerminationPolicy': 'string' },
  summary: 'spec.tls.insecureEdgeTerminationPolicy not in the allowed list (Allow serves plain HTTP too)',
  category: 'Ingress security',
  severity: 'high',
  settings: Type.Object({
    allowedPolicies: Type.Optional(Type.Array(Type.Enum([...POLICIES]), { description: 'allowed values; an absent policy counts as None' })),
    allowedNamespaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'namespaces (globs) where any policy is allowed' }))
  }),
  defaults: { allowedPolicies: ['None', 'Redirect'], allowedNamespaces: [] },
  compile: (settings) => ({
    policies: new Set(settings.allowedPolicies.map((policy) => policy.toLowerCase())),
    listed: settings.allowedPolicies.join(' or '),
    allowed: compileGlobs(settings.allowedNamespaces)
  }),
  check (object, context, { policies, listed, allowed }) {
    const tls = routeTls(object)
    if (tls === undefined || allowed.matches(context.namespace ?? '')) return []
    const policy = tlsField(tls, 'insecureEdgeTerminationPolicy') ?? 'None'
    if (policies.has(policy.toLowerCase())) return []
    const path = 'spec.tls.insecureEdgeTerminationPolicy'
    const plain = policy.toLowerCase() === 'allow' ? ' serves the Route over plain HTTP too' : ' is not allowed'
    return [{
      path,
      message: `${path} ${policy}${plain} ${inNamespace(context)}`,
      fix: listed === '' ? 'remove spec.tls.insecureEdgeTerminationPolicy' : `set ${path} to ${listed}`
    }]
  }
})
