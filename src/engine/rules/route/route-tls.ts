import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { inNamespace } from '../../messages.ts'
import { ROUTE_KIND, routeTls, tlsField } from './route.ts'

const FIX = 'set spec.tls.termination to edge, reencrypt or passthrough'

/** A Route without `spec.tls` is served over plain HTTP on port 80. */
export const routeTlsRule = defineRule({
  type: 'validate',
  id: 'ROUTE-TLS',
  kinds: ROUTE_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: { spec: 'object', 'spec.tls': 'object', 'spec.tls.termination': 'string' },
  summary: 'no spec.tls: the Route serves plain HTTP',
  category: 'Ingress security',
  severity: 'high',
  settings: Type.Object({
    allowedNamespaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'namespaces (globs) where plain-HTTP Routes are allowed' }))
  }),
  defaults: { allowedNamespaces: [] },
  compile: (settings) => ({ allowed: compileGlobs(settings.allowedNamespaces) }),
  check (object, context, { allowed }) {
    if (allowed.matches(context.namespace ?? '')) return []
    const tls = routeTls(object)
    if (tls === undefined) {
      return [{ path: 'spec.tls', message: `spec.tls is missing, so the Route serves plain HTTP ${inNamespace(context)}`, fix: FIX }]
    }
    if (tlsField(tls, 'termination') === undefined) {
      return [{ path: 'spec.tls.termination', message: 'spec.tls.termination is missing, so the Route has no TLS', fix: FIX }]
    }
    return []
  }
})
