import { namespaceLabels } from './cluster.ts'
import { isNetguardsOwn } from './isolation.ts'
import type { LabelMatcher } from './label-selector.ts'
import type { CompiledPolicy } from './policy.ts'
import type { ExemptBy, Subject } from './types.ts'

/**
 * Why the subject skips rules, if it does. An exempt user or group skips every rule; an exempt
 * namespace (by name, or by labels matching an exemption selector) skips every rule but those that
 * guard what namespace exemptions rest on (Rule.guardsExemptions): a tenant may create
 * `kube-evil`, or label its namespace. Identity first, so an exempt admin is held by no guard.
 * A Namespace being created is matched by its own labels; unknown labels never exempt. Last, an
 * object of default isolation exactly as netguard writes it is netguard's own, whoever sends it:
 * its own service account is exempt anyway, and `audit`, which reviews what a cluster holds, has
 * no request to tell who wrote it.
 */
export function exemptionOf (subject: Subject, policy: CompiledPolicy): ExemptBy | undefined {
  const { exemptions } = policy
  if (exemptions.users.matches(subject.user.username)) return 'user'
  if (subject.user.groups.some((group) => exemptions.groups.matches(group))) return 'group'
  if (subject.namespace !== undefined && exemptions.namespaces.matches(subject.namespace)) return 'namespace'
  if (exemptions.namespaceSelectors.some((selector) => selects(selector, subject) === true)) return 'namespaceSelector'
  // What a request makes: a DELETE (or CONNECT) makes nothing of netguard's, so NETPOL-MANAGED still guards it.
  const made = subject.operation === 'CREATE' || subject.operation === 'UPDATE' ? subject.object : undefined
  return isNetguardsOwn(subject.kind, made, policy.shared.isolation) ? 'managed' : undefined
}

/** Whether an exemption waives this rule: an identity or netguard's own object every rule, a namespace all but the guards. */
export function waives (exemption: ExemptBy | undefined, rule: { readonly guardsExemptions?: boolean }): boolean {
  if (exemption === undefined) return false
  return exemption === 'user' || exemption === 'group' || exemption === 'managed' || rule.guardsExemptions !== true
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
