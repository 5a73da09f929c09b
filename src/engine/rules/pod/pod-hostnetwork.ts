import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { FieldReader } from '../../read.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { inNamespace } from '../../messages.ts'
import { podTemplate, POD_KINDS } from './pod-template.ts'

/** A host-network pod shares the node's interfaces: NetworkPolicy does not apply to it. */
export const podHostNetwork = defineRule({
  type: 'validate',
  id: 'POD-HOSTNETWORK',
  kinds: POD_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'hostNetwork: true outside the allowed namespaces (NetworkPolicy does not apply to host-network pods)',
  category: 'Network isolation',
  severity: 'high',
  settings: Type.Object({
    allowedNamespaces: Type.Optional(Type.Array(Type.String(), { description: 'namespaces (globs) where pods may use the host network' }))
  }),
  defaults: { allowedNamespaces: [] },
  compile: (settings) => ({ allowed: compileGlobs(settings.allowedNamespaces) }),
  check (object, context, { allowed }) {
    if (allowed.matches(context.namespace ?? '')) return []
    const reader = new FieldReader()
    const template = podTemplate(object, context, reader)
    if (template === undefined) return []
    const path = template.at('spec.hostNetwork')
    if (reader.boolean(template.spec.hostNetwork, path) !== true) return [...reader.problems]
    return [...reader.problems, {
      path,
      message: `${path} true is not allowed ${inNamespace(context)}; NetworkPolicy does not apply to host-network pods`,
      fix: 'remove hostNetwork and expose the pod through a Service'
    }]
  }
})
