import type { KubeObject } from '../kube/types.ts'
import { namespaceLabels } from './cluster.ts'
import type { LabelMatcher } from './selector-settings.ts'
import type { CompiledPolicy } from './policy.ts'
import type { ReviewContext } from './types.ts'

/**
 * Exempt requests skip every rule: system namespaces, netguard itself, trusted users and groups,
 * namespaces whose labels match the exemption selector. Pass the object so that a Namespace
 * being created is matched by its own labels; unknown labels never exempt.
 */
export function isExempt (context: ReviewContext, policy: CompiledPolicy, object?: KubeObject): boolean {
  const { exemptions } = policy
  if (context.namespace !== undefined && exemptions.namespaces.matches(context.namespace)) return true
  if (exemptions.users.matches(context.user.username)) return true
  if (context.user.groups.some((group) => exemptions.groups.matches(group))) return true
  return selects(exemptions.namespaceSelector, context, object) === true
}

/** The exception that waives a rule for this request, if one is in force. */
export function findException (ruleId: string, context: ReviewContext, policy: CompiledPolicy, object?: KubeObject): string | undefined {
  for (const exception of policy.exceptions) {
    if (!exception.rules.has(ruleId)) continue
    if (exception.expiresAt !== undefined && context.now >= exception.expiresAt) continue
    if (!exception.namespaces.matches(context.namespace ?? '')) continue
    if (selects(exception.namespaceSelector, context, object) === false) continue
    return exception.name
  }
  return undefined
}

/** Undefined without a selector; false when the namespace's labels are unknown. */
function selects (selector: LabelMatcher | undefined, context: ReviewContext, object: KubeObject | undefined): boolean | undefined {
  if (selector === undefined) return undefined
  const labels = namespaceLabels(context, object)
  return labels !== undefined && selector.matches(labels)
}
