import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import { FieldReader, shown } from '../../read.ts'
import { readService, SERVICE_KIND } from './service.ts'

const FIX = 'use a Route or a ClusterIP Service'

/**
 * NodePort Services open a port on every node, outside NetworkPolicy's reach at the node edge.
 * On a LoadBalancer the API server allocates node ports itself before validation, so a nodePort
 * there only shows a user's request when `allocateLoadBalancerNodePorts` is false.
 */
export const svcNodePort = defineRule({
  type: 'validate',
  id: 'SVC-NODEPORT',
  kinds: SERVICE_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'type NodePort (or an explicit nodePort on a LoadBalancer) outside the allowed namespaces',
  category: 'Ingress security',
  severity: 'high',
  settings: Type.Object({
    allowedNamespaces: Type.Optional(Type.Array(Type.String(), { description: 'namespaces (globs) where NodePort Services are allowed' }))
  }),
  defaults: { allowedNamespaces: [] },
  compile: (settings) => ({ allowed: compileGlobs(settings.allowedNamespaces) }),
  check (object, context, { allowed }) {
    if (allowed.matches(context.namespace ?? '')) return []
    const reader = new FieldReader()
    const { spec, type } = readService(object, reader)
    if (type === 'NodePort') {
      return [{ path: 'spec.type', message: `spec.type NodePort is not allowed ${inNamespace(context)}`, fix: FIX }]
    }
    const findings: Finding[] = []
    const allocates = reader.boolean(spec.allocateLoadBalancerNodePorts, 'spec.allocateLoadBalancerNodePorts')
    if (type === 'LoadBalancer' && allocates === false) {
      for (const [index, entry] of reader.list(spec.ports, 'spec.ports').entries()) {
        const path = `spec.ports[${index}].nodePort`
        const nodePort = reader.object(entry, `spec.ports[${index}]`)?.nodePort
        if (nodePort === undefined || nodePort === null || nodePort === 0) continue
        findings.push({ path, message: `${path} ${shown(nodePort)} opens a node port ${inNamespace(context)}`, fix: 'remove nodePort from the LoadBalancer ports' })
      }
    }
    return [...reader.problems, ...findings]
  }
})
