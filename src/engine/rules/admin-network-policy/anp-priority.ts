import Type from 'typebox'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { shown } from '../../read.ts'
import { adminPolicySpec, ANP_KIND } from './admin-network-policy.ts'

/**
 * The API allows priorities 0 to 1000, but OVN-Kubernetes implements 0 to 99 only: above that it
 * leaves the policy out and says so in an event, so an admin's Deny silently does nothing.
 */
export const anpPriority = defineRule({
  type: 'validate',
  id: 'ANP-PRIORITY',
  kinds: [ANP_KIND],
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'an AdminNetworkPolicy priority the network plugin does not implement (above 99 for OVN-Kubernetes)',
  settings: Type.Object({
    maxPriority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'the highest priority number the network plugin implements: 99 for OVN-Kubernetes, 1000 for plugins that take the whole API range' }))
  }),
  defaults: { maxPriority: 99 },
  compile: (settings) => settings.maxPriority,
  check (object, _context, maxPriority) {
    const priority = adminPolicySpec(object)['priority']
    if (typeof priority === 'number' && Number.isInteger(priority) && priority >= 0 && priority <= maxPriority) return []
    const valid = typeof priority === 'number' && Number.isInteger(priority) && priority >= 0
    return [{
      path: 'spec.priority',
      message: valid
        ? `spec.priority ${priority} is above ${maxPriority}, the highest the network plugin implements: the policy would not be applied`
        : `spec.priority ${shown(priority)} is not a priority (a whole number from 0 to ${maxPriority})`,
      fix: `use a priority from 0 (first) to ${maxPriority} (last)`
    }]
  }
})
