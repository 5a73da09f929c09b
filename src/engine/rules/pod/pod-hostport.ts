import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding, ReviewContext } from '../../types.ts'
import { asObject, FieldReader, shown } from '../../read.ts'
import { inNamespace } from '../../messages.ts'
import { NETWORKS_ANNOTATION, parseNetworksAnnotation } from './networks-annotation.ts'
import { podTemplate, POD_KINDS, type PodTemplate } from './pod-template.ts'

const CONTAINER_LISTS = ['containers', 'initContainers'] as const

/**
 * A hostPort opens a port on the node's own address, outside NetworkPolicy and Service
 * routing; so does a `portMappings` entry in Multus's networks annotation, which the portmap
 * plugin of the attachment turns into the same node rule. A host-network pod is left to
 * POD-HOSTNETWORK: its ports are the node's anyway, and the API server fills in hostPort for
 * each of them.
 */
export const podHostPort = defineRule({
  type: 'validate',
  id: 'POD-HOSTPORT',
  kinds: POD_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'any container hostPort outside the allowed namespaces',
  category: 'Ingress security',
  severity: 'medium',
  settings: Type.Object({
    allowedNamespaces: Type.Optional(Type.Array(Type.String(), { description: 'namespaces (globs) where containers may use hostPort' }))
  }),
  defaults: { allowedNamespaces: [] },
  compile: (settings) => ({ allowed: compileGlobs(settings.allowedNamespaces) }),
  check (object, context, { allowed }) {
    if (allowed.matches(context.namespace ?? '')) return []
    const reader = new FieldReader()
    const template = podTemplate(object, context, reader)
    if (template === undefined || template.spec.hostNetwork === true) return [...reader.problems]
    const findings: Finding[] = []
    for (const list of CONTAINER_LISTS) {
      for (const [index, container] of reader.list(template.spec[list], template.at(`spec.${list}`)).entries()) {
        const containerPath = template.at(`spec.${list}[${index}]`)
        for (const [portIndex, port] of reader.list(reader.object(container, containerPath)?.ports, `${containerPath}.ports`).entries()) {
          const hostPort = reader.object(port, `${containerPath}.ports[${portIndex}]`)?.hostPort
          if (hostPort === undefined || hostPort === null || hostPort === 0) continue
          const path = `${containerPath}.ports[${portIndex}].hostPort`
          findings.push({
            path,
            message: `${path} ${shown(hostPort)} opens a port on the node ${inNamespace(context)}`,
            fix: 'remove hostPort and expose the pod through a Service'
          })
        }
      }
    }
    findings.push(...annotationPorts(template, context))
    return [...reader.problems, ...findings]
  }
})

function annotationPorts (template: PodTemplate, context: ReviewContext): Finding[] {
  const text = asObject(template.metadata.annotations)?.[NETWORKS_ANNOTATION]
  if (typeof text !== 'string') return []
  const path = template.at(`metadata.annotations["${NETWORKS_ANNOTATION}"]`)
  return parseNetworksAnnotation(text).selections.flatMap((selection) => selection.portMappings.flatMap(({ hostPort }) => {
    if (hostPort === undefined || hostPort === null || hostPort === 0) return []
    return [{
      path,
      message: `${path} asks the portmap plugin of ${selection.name} for host port ${shown(hostPort)} ${inNamespace(context)}`,
      fix: 'remove portMappings and expose the pod through a Service'
    }]
  }))
}
