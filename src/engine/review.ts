import { kindKey, type KindRef, type KubeObject } from '../kube/types.ts'
import { decide, type Decision } from './decide.ts'
import { runMutations, runValidations } from './evaluate.ts'
import { exemptionOf } from './match.ts'
import type { CompiledPolicy } from './policy.ts'
import type { ExemptBy, Mode, ReviewPoint, RuleResult, Subject } from './types.ts'

/** What netguard makes of one subject at one point, or at both in turn (reviewAdmission). */
export interface Review {
  readonly decision: Decision
  /**
   * The object the API server goes on with: patched when the decision patches (the mutate point
   * in enforce mode, with a change to make), else the subject's own.
   */
  readonly object: KubeObject | undefined
  /**
   * What exempted the subject: an exempt user or group waives every rule, an exempt namespace every
   * rule but the guards of exemptions (see match.ts); undefined when no exemption applies.
   */
  readonly exemption: ExemptBy | undefined
  /** One result per rule that applies to the subject, in catalog order (mutation rules first). */
  readonly rules: readonly RuleResult[]
}

/**
 * The one review every front runs: the webhook (once per webhook), `check`, `audit` (both points,
 * through reviewAdmission) and the reconciler (exemptionOf, its first step). Exemption first,
 * then the point's rules, then `decide` with the mode (the policy's unless overridden). Pure.
 */
export function review (subject: Subject, policy: CompiledPolicy, point: ReviewPoint, mode: Mode = policy.mode): Review {
  const rules: RuleResult[] = []
  if (subject.subResource !== undefined) return { decision: decide([], [], mode), object: subject.object, exemption: undefined, rules }
  const exemption = exemptionOf(subject, policy)
  if (point === 'validate') {
    return { decision: decide(runValidations(subject, policy, exemption, rules), [], mode), object: subject.object, exemption, rules }
  }
  if (subject.object === undefined) return { decision: decide([], [], mode), object: undefined, exemption, rules }
  const mutation = runMutations(subject.object, subject, policy, exemption, rules)
  const decision = decide([], mutation.changes, mode)
  return { decision, object: decision.patch ? mutation.object : subject.object, exemption, rules }
}

/**
 * Both webhooks in the order the API server calls them: the mutating review, then the validating
 * review of the object as patched. `check` and `audit` judge a manifest so; a test holds the
 * webhook's two HTTP reviews to the same verdict.
 */
export function reviewAdmission (subject: Subject, policy: CompiledPolicy, mode: Mode = policy.mode): Review {
  const mutation = review(subject, policy, 'mutate', mode)
  const validation = review(mutation.object === subject.object ? subject : { ...subject, object: mutation.object }, policy, 'validate', mode)
  return {
    decision: decide(validation.decision.violations, mutation.decision.changes, mode),
    object: mutation.object,
    exemption: validation.exemption,
    rules: [...mutation.rules, ...validation.rules]
  }
}

/** Kinds some rule that is not off looks at, plus Namespaces (their labels match namespace selectors). */
export function reviewedKinds (policy: CompiledPolicy): KindRef[] {
  const kinds = new Map<string, KindRef>([['Namespace', { group: '', kind: 'Namespace' }]])
  for (const configured of [...policy.validations.values(), ...policy.mutations.values()]) {
    for (const { rule, action } of configured) {
      if (action === 'off') continue
      for (const kind of rule.kinds) kinds.set(kindKey(kind), { group: kind.group, kind: kind.kind })
    }
  }
  return [...kinds.values()]
}
