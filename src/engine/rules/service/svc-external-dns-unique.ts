import Type from 'typebox'
import { clusterObjects, derivedFrom, holderOf, holdersByClaim, sameObject, WhenUnknownSchema } from '../../cluster.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { KubeObject } from '../../../kube/types.ts'
import { annotationOf, FieldReader } from '../../read.ts'
import { SERVICE_KIND } from './service.ts'

const HOSTNAME_ANNOTATION = 'external-dns.alpha.kubernetes.io/hostname'

/**
 * The DNS names a Service asks external-dns for: comma-separated, case-insensitive, trailing dot
 * ignored. Read through `reader` for the object under review; other Services' quietly.
 */
function hostnames (object: KubeObject, annotations: readonly string[], reader = new FieldReader()): Map<string, string> {
  const names = new Map<string, string>()
  for (const key of annotations) {
    const value = annotationOf(object, key, reader)
    if (value === undefined) continue
    for (const name of value.split(',')) {
      const normalized = name.trim().toLowerCase().replace(/\.$/, '')
      if (normalized !== '' && !names.has(normalized)) names.set(normalized, key)
    }
  }
  return names
}

/**
 * external-dns publishes whatever name a Service asks for; two Services asking for the same name
 * make the record flap between them, and a tenant can take over another team's name. The first
 * Service to claim a name keeps it.
 */
export const svcExternalDnsUnique = defineRule({
  type: 'validate',
  id: 'SVC-EXTERNAL-DNS-UNIQUE',
  kinds: SERVICE_KIND,
  operations: CONTENT_OPERATIONS,
  reads: [SERVICE_KIND[0]],
  defaultAction: 'deny',
  summary: 'an external-dns hostname annotation naming a host another Service already claims, in any namespace (needs cluster state)',
  category: 'Multitenancy',
  severity: 'high',
  settings: Type.Object({
    annotations: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'annotations holding comma-separated DNS names' })),
    whenUnknown: Type.Optional(WhenUnknownSchema)
  }),
  defaults: { annotations: [HOSTNAME_ANNOTATION], whenUnknown: 'warn' },
  compile: (settings) => settings,
  check (object, context, settings) {
    const reader = new FieldReader()
    const names = hostnames(object, settings.annotations, reader)
    if (names.size === 0) return [...reader.problems]
    const existing = clusterObjects(context, SERVICE_KIND[0], settings.whenUnknown)
    if ('unknown' in existing) return [...reader.problems, existing.unknown]
    const holdersOf = derivedFrom(existing.objects, settings, (services) =>
      holdersByClaim(services, (service) => hostnames(service, settings.annotations).keys()))
    return [...reader.problems, ...[...names].flatMap(([name, key]) => {
      const other = holdersOf.get(name)?.find((holder) => !sameObject(holder, object))
      if (other === undefined) return []
      const holder = holderOf(other, 'Service', context)
      const path = `metadata.annotations["${key}"]`
      return [{
        path,
        message: `${path} ${name} is already claimed by ${holder.named}`,
        fix: 'use a DNS name of your own, or ask a cluster admin who holds it',
        detail: `held by ${holder.full}`
      }]
    })]
  }
})
