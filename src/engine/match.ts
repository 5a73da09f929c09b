import { namespaceLabels } from './cluster.ts'
import type { LabelMatcher } from './selector-settings.ts'
import type { CompiledPolicy } from './policy.ts'
import type { ExemptBy, Subject } from './types.ts'

/**
 * Why the subject skips every rule, if it does, its namespace first: a system namespace or
 * netguard's own, a namespace whose labels match the exemption selector, then a trusted user or
 * group. A Namespace being created is matched by its own labels; unknown labels never exempt.
 */
export function exemptionOf (subject: Subject, policy: CompiledPolicy): ExemptBy | undefined {
  const { exemptions } = policy
  if (subject.namespace !== undefined && exemptions.namespaces.matches(subject.namespace)) return 'namespace'
  if (selects(exemptions.namespaceSelector, subject) === true) return 'namespaceSelector'
  if (exemptions.users.matches(subject.user.username)) return 'user'
  return subject.user.groups.some((group) => exemptions.groups.matches(group)) ? 'group' : undefined
}

/** The exception that waives a rule for this subject, if one is in force. */
export function findException (ruleId: string, subject: Subject, policy: CompiledPolicy): string | undefined {
  for (const exception of policy.exceptions) {
    if (!exception.rules.has(ruleId)) continue
    if (exception.expiresAt !== undefined && subject.now >= exception.expiresAt) continue
    if (!exception.namespaces.matches(subject.namespace ?? '')) continue
    if (selects(exception.namespaceSelector, subject) === false) continue
    return exception.name
  }
  return undefined
}

/** Undefined without a selector; false when the namespace's labels are unknown. */
function selects (selector: LabelMatcher | undefined, subject: Subject): boolean | undefined {
  if (selector === undefined) return undefined
  const labels = namespaceLabels(subject, subject.object)
  return labels !== undefined && selector.matches(labels)
}
