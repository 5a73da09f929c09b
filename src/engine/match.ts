import type { CompiledPolicy } from './policy.ts'
import type { ReviewContext } from './types.ts'

/** Exempt requests skip every rule: system namespaces, netguard itself, trusted users and groups. */
export function isExempt (context: ReviewContext, policy: CompiledPolicy): boolean {
  const { exemptions } = policy
  if (context.namespace !== undefined && exemptions.namespaces.matches(context.namespace)) return true
  if (exemptions.users.matches(context.user.username)) return true
  return context.user.groups.some((group) => exemptions.groups.matches(group))
}

/** The exception that waives a rule for this request, if one is in force. */
export function findException (ruleId: string, context: ReviewContext, policy: CompiledPolicy): string | undefined {
  for (const exception of policy.exceptions) {
    if (!exception.rules.has(ruleId)) continue
    if (exception.expiresAt !== undefined && context.now >= exception.expiresAt) continue
    if (!exception.namespaces.matches(context.namespace ?? '')) continue
    return exception.name
  }
  return undefined
}
