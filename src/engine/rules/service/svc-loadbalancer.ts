import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { AddressSet, parseCidr, type Cidr } from '../../net/address-set.ts'
import { broadestRangeSchema, findOpenRange, openRangeLimit } from '../../net/cidr-settings.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import { FieldReader, metaOf, shown, type JsonObject } from '../../read.ts'
import type { ReviewContext } from '../../types.ts'
import { readService, SERVICE_KIND } from './service.ts'

/** The cloud providers read this annotation when `spec.loadBalancerSourceRanges` is empty. */
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges'

export const svcLoadBalancer = defineRule({
  type: 'validate',
  id: 'SVC-LOADBALANCER',
  kinds: SERVICE_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'type LoadBalancer outside the allowed namespaces, without restricted source ranges, or without the required annotations',
  category: 'Ingress security',
  severity: 'high',
  settings: Type.Object({
    allowedNamespaces: Type.Optional(Type.Array(Type.String(), { description: 'namespaces (globs) where LoadBalancer Services may exist at all; [] forbids them' })),
    requireSourceRanges: Type.Optional(Type.Boolean({ description: 'require spec.loadBalancerSourceRanges (or its annotation)' })),
    sourceRangeAlternatives: Type.Optional(Type.Array(Type.String(), { description: 'annotations that restrict clients in their own way (e.g. security groups); a non-empty one stands in for source ranges' })),
    broadestSourceRange: Type.Optional(broadestRangeSchema('source ranges together may admit at most as many addresses as a prefix of this length')),
    requiredAnnotations: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()), { description: 'annotation → allowed values ([] means any non-empty value)' }))
  }),
  defaults: { allowedNamespaces: ['*'], requireSourceRanges: true, sourceRangeAlternatives: [], broadestSourceRange: { ipv4: 8, ipv6: 32 }, requiredAnnotations: {} },
  compile: (settings) => ({
    allowed: compileGlobs(settings.allowedNamespaces),
    requireSourceRanges: settings.requireSourceRanges,
    alternatives: settings.sourceRangeAlternatives,
    limit: openRangeLimit(settings.broadestSourceRange),
    requiredAnnotations: Object.entries(settings.requiredAnnotations)
  }),
  check (object, context, settings) {
    const reader = new FieldReader()
    const { spec, type } = readService(object, reader)
    if (type !== 'LoadBalancer') return [...reader.problems]
    if (!settings.allowed.matches(context.namespace ?? '')) {
      return [{ path: 'spec.type', message: `spec.type LoadBalancer is not allowed ${inNamespace(context)}`, fix: 'use a Route, or ask a cluster admin to allow LoadBalancer Services here' }]
    }
    const { annotations } = metaOf(object)
    const findings: Finding[] = []
    for (const [key, values] of settings.requiredAnnotations) {
      const value = annotations[key]
      const path = `metadata.annotations["${key}"]`
      if (value === undefined || value === '') {
        findings.push({ path, message: `${path} is required on LoadBalancer Services`, fix: `set it${values.length > 0 ? ` to one of ${values.join(', ')}` : ''}` })
      } else if (values.length > 0 && !values.includes(value)) {
        findings.push({ path, message: `${path} ${JSON.stringify(value)} is not an allowed value`, fix: `use one of ${values.join(', ')}` })
      }
    }
    if (settings.requireSourceRanges) findings.push(...checkSourceRanges(spec, reader, context, settings, annotations))
    return [...reader.problems, ...findings]
  }
})

function checkSourceRanges (
  spec: JsonObject,
  reader: FieldReader,
  context: ReviewContext,
  settings: { readonly alternatives: readonly string[], readonly limit: ReturnType<typeof openRangeLimit> },
  annotations: Readonly<Record<string, string>>
): Finding[] {
  const fromSpec = reader.list(spec.loadBalancerSourceRanges, 'spec.loadBalancerSourceRanges')
  const path = fromSpec.length > 0 ? 'spec.loadBalancerSourceRanges' : `metadata.annotations["${SOURCE_RANGES_ANNOTATION}"]`
  const texts: readonly unknown[] = fromSpec.length > 0 ? fromSpec : (annotations[SOURCE_RANGES_ANNOTATION] ?? '').split(',').map((text) => text.trim()).filter(Boolean)
  if (texts.length === 0) {
    if (settings.alternatives.some((key) => (annotations[key] ?? '') !== '')) return []
    return [{
      path: 'spec.loadBalancerSourceRanges',
      message: `spec.type LoadBalancer without spec.loadBalancerSourceRanges is open to the world ${inNamespace(context)}`,
      fix: 'set spec.loadBalancerSourceRanges to the client CIDRs, or use a Route'
    }]
  }
  const cidrs: Cidr[] = []
  const findings: Finding[] = []
  for (const [index, text] of texts.entries()) {
    const cidr = typeof text === 'string' ? parseCidr(text) : undefined
    if (cidr === undefined) findings.push({ path: `${path}[${index}]`, message: `${path}[${index}] ${shown(text)} is not a CIDR`, fix: 'use a CIDR such as 203.0.113.0/24' })
    else cidrs.push(cidr)
  }
  const open = findOpenRange(AddressSet.of(cidrs), settings.limit)
  if (open !== undefined) {
    findings.push({
      path,
      message: `${path} admits ${open.admitted} IPv${open.family} addresses (${cidrs.map((cidr) => cidr.text).join(', ')}); at most ${open.limit} allowed`,
      fix: 'narrow the source ranges to the clients that need the service'
    })
  }
  return findings
}
