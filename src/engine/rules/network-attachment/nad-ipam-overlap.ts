import Type from 'typebox'
import { clusterObjects, holderOf, sameObject, WhenUnknownSchema } from '../../cluster.ts'
import { metaOf } from '../../read.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { distinctFindings, NAD_KIND, nadConfig } from './network-attachment.ts'

/** At most this many other attachments are named in the admin's detail. */
const NAMED = 3

/**
 * Two namespaces handing out the same addresses on secondary networks collide, and one tenant
 * can take over the other's peers. Attachments in the same namespace may share a range (one
 * network, several NADs); across namespaces the pools (range start to end, less exclusions) must
 * be disjoint, so two namespaces may still split one subnet with rangeStart / rangeEnd.
 */
export const nadIpamOverlap = defineRule({
  type: 'validate',
  id: 'NAD-IPAM-OVERLAP',
  kinds: NAD_KIND,
  operations: CONTENT_OPERATIONS,
  reads: [NAD_KIND[0]],
  defaultAction: 'deny',
  summary: 'IPAM ranges overlapping those of a NetworkAttachmentDefinition in another namespace (needs cluster state)',
  category: 'Multitenancy',
  severity: 'high',
  settings: Type.Object({
    whenUnknown: Type.Optional(WhenUnknownSchema)
  }),
  defaults: { whenUnknown: 'warn' },
  compile: (settings) => ({ whenUnknown: settings.whenUnknown }),
  check (object, context, { whenUnknown }) {
    const config = nadConfig(object)
    if (config.pool.isEmpty) return []
    const namespace = context.namespace ?? metaOf(object).namespace
    const found = clusterObjects(context, NAD_KIND[0], whenUnknown)
    if ('unknown' in found) return [found.unknown]
    const others = found.objects.filter((other) =>
      metaOf(other).namespace !== namespace && !sameObject(other, object) && nadConfig(other).pool.overlaps(config.pool))
    if (others.length === 0) return []
    const findings: Finding[] = []
    for (const range of config.plugins.flatMap((plugin) => plugin.ranges)) {
      const clashes = others.filter((other) => nadConfig(other).pool.overlaps(range.pool))
      if (clashes.length === 0) continue
      // Other namespaces' attachments: the tenant learns the range is taken, the admin by whom.
      const names = clashes.slice(0, NAMED).map((other) => holderOf(other, 'NetworkAttachmentDefinition', context).full)
      const more = clashes.length > NAMED ? ` and ${clashes.length - NAMED} more` : ''
      findings.push({
        path: range.path,
        message: `${range.path} ${range.text} overlaps the addresses of ${clashes.length === 1 ? 'a NetworkAttachmentDefinition' : `${clashes.length} NetworkAttachmentDefinitions`} in another namespace`,
        fix: 'choose a range no other namespace uses, or split the subnet with range start and end addresses',
        detail: `held by ${names.join(', ')}${more}`
      })
    }
    return distinctFindings(findings)
  }
})
