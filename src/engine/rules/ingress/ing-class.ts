import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import { annotation, CLASS_ANNOTATION, INGRESS_KINDS, ingressSpec } from './ingress.ts'

const FIELDS = ['ingressClassName', 'annotation'] as const

/**
 * The class picks the controller that serves the Ingress: an internal-only or unhardened
 * controller may expose what the approved one would refuse. Controllers still honour the legacy
 * annotation, so both places are read.
 */
export const ingClass = defineRule({
  type: 'validate',
  id: 'ING-CLASS',
  kinds: INGRESS_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'off',
  fields: { spec: 'object', 'spec.ingressClassName': 'string' },
  summary: `spec.ingressClassName or the ${CLASS_ANNOTATION} annotation not in the allowed list`,
  category: 'Ingress security',
  severity: 'medium',
  settings: Type.Object({
    allowedClasses: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'classes (globs) allowed in every namespace' })),
    namespaceClasses: Type.Optional(Type.Array(Type.Object({
      namespaces: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'namespace globs' }),
      classes: Type.Array(Type.String({ minLength: 1 }))
    }, { additionalProperties: false }), { description: 'further classes allowed in the namespaces that match' })),
    requireClass: Type.Optional(Type.Boolean({ description: 'an Ingress must name its class (otherwise the cluster default class serves it)' })),
    fields: Type.Optional(Type.Array(Type.Enum([...FIELDS]), { minItems: 1, description: 'where the class is read: spec.ingressClassName and/or the annotation' }))
  }),
  defaults: { allowedClasses: [], namespaceClasses: [], requireClass: false, fields: [...FIELDS] },
  compile: (settings) => ({
    global: compileGlobs(settings.allowedClasses),
    perNamespace: settings.namespaceClasses.map((entry) => ({ match: compileGlobs(entry.namespaces), classes: compileGlobs(entry.classes), listed: entry.classes })),
    listed: settings.allowedClasses,
    requireClass: settings.requireClass,
    fields: new Set(settings.fields)
  }),
  check (object, context, settings) {
    const named: { readonly path: string, readonly value: unknown }[] = []
    if (settings.fields.has('ingressClassName')) {
      const value = ingressSpec(object).ingressClassName
      if (value !== undefined && value !== null) named.push({ path: 'spec.ingressClassName', value })
    }
    if (settings.fields.has('annotation')) {
      const value = annotation(object, CLASS_ANNOTATION)
      if (value !== undefined) named.push({ path: `metadata.annotations["${CLASS_ANNOTATION}"]`, value })
    }
    const namespace = context.namespace ?? ''
    const entries = settings.perNamespace.filter(({ match }) => match.matches(namespace))
    const allowed = [...settings.listed, ...entries.flatMap(({ listed }) => listed)]
    const fix = allowed.length === 0 ? 'ask a cluster admin which ingress class to use' : `use ${allowed.join(', ')}`
    if (named.length === 0) {
      if (!settings.requireClass) return []
      const where = [...settings.fields].map((field) => field === 'annotation' ? `the ${CLASS_ANNOTATION} annotation` : 'spec.ingressClassName').join(' or ')
      return [{ path: settings.fields.has('ingressClassName') ? 'spec.ingressClassName' : `metadata.annotations["${CLASS_ANNOTATION}"]`, message: `the Ingress names no class in ${where}`, fix }]
    }
    const findings: Finding[] = []
    for (const { path, value } of named) {
      const text = typeof value === 'string' ? value : ''
      if (text !== '' && (settings.global.matches(text) || entries.some(({ classes }) => classes.matches(text)))) continue
      findings.push({ path, message: `${path} ${JSON.stringify(text.slice(0, 80))} is not an allowed ingress class ${inNamespace(context)}`, fix })
    }
    return findings
  }
})
