import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { inNamespace } from '../../messages.ts'
import { ROUTE_KIND, routeTls, tlsField } from './route.ts'

const TERMINATIONS = ['edge', 'reencrypt', 'passthrough'] as const
const Terminations = Type.Array(Type.Enum([...TERMINATIONS]))

/**
 * Which TLS terminations a Route may use: edge leaves router-to-pod traffic unencrypted,
 * passthrough hides the traffic (and its certificate) from the router.
 */
export const routeTermination = defineRule({
  type: 'validate',
  id: 'ROUTE-TERMINATION',
  kinds: ROUTE_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: { spec: 'object', 'spec.tls': 'object', 'spec.tls.termination': 'string' },
  summary: 'spec.tls.termination not in the allowed list (edge, reencrypt, passthrough)',
  category: 'Ingress security',
  severity: 'medium',
  settings: Type.Object({
    allowedTerminations: Type.Optional({ ...Terminations, description: 'terminations allowed in every namespace' }),
    namespaceTerminations: Type.Optional(Type.Array(Type.Object({
      namespaces: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'namespace globs' }),
      terminations: Terminations
    }, { additionalProperties: false }), { description: 'further terminations allowed in the namespaces that match' }))
  }),
  defaults: { allowedTerminations: [...TERMINATIONS], namespaceTerminations: [] },
  compile: (settings) => ({
    global: new Set<string>(settings.allowedTerminations),
    perNamespace: settings.namespaceTerminations.map((entry) => ({ match: compileGlobs(entry.namespaces), terminations: entry.terminations }))
  }),
  check (object, context, { global, perNamespace }) {
    const tls = routeTls(object)
    const termination = tls === undefined ? undefined : tlsField(tls, 'termination')?.toLowerCase()
    if (termination === undefined) return []
    const allowed = new Set(global)
    for (const { match, terminations } of perNamespace) {
      if (match.matches(context.namespace ?? '')) terminations.forEach((value) => allowed.add(value))
    }
    if (allowed.has(termination)) return []
    const path = 'spec.tls.termination'
    return [{
      path,
      message: `${path} ${termination} is not allowed ${inNamespace(context)}`,
      fix: allowed.size === 0 ? 'ask a cluster admin which termination to use' : `use ${[...allowed].join(', ')}`
    }]
  }
})
