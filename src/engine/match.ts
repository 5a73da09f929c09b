import type { KubeObject } from '../kube/types.ts'
import { namespaceLabels } from './cluster.ts'
import type { LabelMatcher } from './label-selector.ts'
import type { CompiledPolicy } from './policy.ts'
import type { ReviewContext } from './types.ts'

/**
 * Why a request skips rules: `identity` (an exempt user or group: every rule) or `namespace`
 * (the request is in an exempt namespace, by name or by labels: every rule except those that
 * guard what namespace exemptions rest on, see Rule.guardsExemptions).
 */
export type Exemption = 'identity' | 'namespace'

/**
 * The exemption that applies to a request, if any: trusted users and groups first, then
 * system namespaces, netguard itself, and namespaces whose labels match an exemption
 * selector. Pass the object so that a Namespace being created is matched by its own labels;
 * unknown labels never exempt.
 */
export function exemptionOf (context: ReviewContext, policy: CompiledPolicy, object?: KubeObject): Exemption | undefined {
  const { exemptions } = policy
  if (exemptions.users.matches(context.user.username)) return 'identity'
  if (context.user.groups.some((group) => exemptions.groups.matches(group))) return 'identity'
  if (context.namespace !== undefined && exemptions.namespaces.matches(context.namespace)) return 'namespace'
  return exemptions.namespaceSelectors.some((selector) => selects(selector, context, object) === true) ? 'namespace' : undefined
}

/** Exempt requests skip every rule but the guards of exemptions (see exemptionOf). */
export function isExempt (context: ReviewContext, policy: CompiledPolicy, object?: KubeObject): boolean {
  return exemptionOf(context, policy, object) !== undefined
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
