import Type from 'typebox'
import { clusterObjects, derivedFrom, holdersByClaim, sameObject, WhenUnknownSchema } from '../../cluster.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { adminPolicySpec, ANP_KIND } from './admin-network-policy.ts'

/** At most this many other policies are named in one message. */
const NAMED = 3

/**
 * Two AdminNetworkPolicies at one priority that match the same connection: the API leaves the
 * winner undefined (OVN-Kubernetes applies both and picks one per packet), so an admin cannot
 * tell whether the Allow or the Deny holds. Unique priorities keep the order decided.
 */
export const anpPriorityUnique = defineRule({
  type: 'validate',
  id: 'ANP-PRIORITY-UNIQUE',
  kinds: [ANP_KIND],
  operations: CONTENT_OPERATIONS,
  reads: [ANP_KIND],
  defaultAction: 'deny',
  summary: 'an AdminNetworkPolicy at the priority of another one, whose order the API leaves undefined (needs cluster state)',
  settings: Type.Object({ whenUnknown: Type.Optional(WhenUnknownSchema) }),
  defaults: { whenUnknown: 'warn' },
  compile: (settings) => settings,
  check (object, context, settings) {
    const priority = adminPolicySpec(object)['priority']
    if (typeof priority !== 'number') return []
    const found = clusterObjects(context, ANP_KIND, settings.whenUnknown)
    if ('unknown' in found) return [found.unknown]
    const byPriority = derivedFrom(found.objects, settings, (policies) => holdersByClaim(policies, (policy) => {
      const held = adminPolicySpec(policy)['priority']
      return typeof held === 'number' ? [String(held)] : []
    }))
    const self = { metadata: { name: object.metadata?.name ?? context.name } }
    const others = (byPriority.get(String(priority)) ?? []).filter((other) => !sameObject(other, self))
    if (others.length === 0) return []
    const names = others.slice(0, NAMED).map((other) => other.metadata?.name ?? '').join(', ')
    const more = others.length > NAMED ? ` and ${others.length - NAMED} more` : ''
    return [{
      path: 'spec.priority',
      message: `spec.priority ${priority} is already the priority of AdminNetworkPolicy ${names}${more}; which of them wins is undefined`,
      fix: 'give each AdminNetworkPolicy a priority of its own'
    }]
  }
})
