import { kindKey, type KubeObject } from '../kube/types.ts'
import { exemptionOf, findException, isExempt } from './match.ts'
import type { CompiledPolicy } from './policy.ts'
import type { ValidationRule } from './rule.ts'
import type { Change, Finding, ReviewContext, Violation } from './types.ts'

/**
 * Runs every validation rule of the policy that applies to the object's kind and the request's
 * operation. Pure: the verdict depends on its arguments only. On DELETE the object examined is
 * the one being deleted, and only rules that declare DELETE look at it.
 */
export function evaluate (object: KubeObject | undefined, context: ReviewContext, policy: CompiledPolicy): Violation[] {
  const subject = context.operation === 'DELETE' ? context.oldObject : object
  const exemption = exemptionOf(context, policy, object)
  if (subject === undefined || exemption === 'identity') return []
  const violations: Violation[] = []
  for (const { rule, action, settings } of policy.validations.get(kindKey(context.kind)) ?? []) {
    if (action === 'off' || !rule.operations.includes(context.operation)) continue
    if (exemption === 'namespace' && rule.guardsExemptions !== true) continue
    if (findException(rule.id, context, policy, object) !== undefined) continue
    try {
      const findings = rule.check(subject, context, settings)
      const carriedOver = policy.allowExistingViolations && rule.judgesChanges !== true && action === 'deny'
        ? existingFindings(rule, context, settings, findings)
        : NONE
      for (const finding of findings) {
        const existing = carriedOver.has(findingKey(finding))
        violations.push({
          ...finding,
          ...(existing ? { message: `${finding.message} (already so before this update)` } : {}),
          ruleId: rule.id,
          action: mildest(action, existing ? 'warn' : finding.action)
        })
      }
    } catch (error) {
      violations.push({
        ruleId: rule.id,
        action,
        path: '',
        message: `rule could not evaluate this object (${error instanceof Error ? error.message : String(error)})`,
        fix: 'check that the object is well-formed; report the object to the netguard maintainers if it is'
      })
    }
  }
  return violations
}

const SEVERITY = { deny: 3, warn: 2, audit: 1 } as const
const NONE: ReadonlySet<string> = new Set()

const findingKey = (finding: Finding): string => `${finding.path}\u0000${finding.message}`

/**
 * On UPDATE, the findings the old object would get if it were created now. A deny among them is
 * debt the object already carried: relabelling a legacy host-network pod must not be refused.
 * Only computed when the update has findings, so a clean update costs nothing extra.
 */
function existingFindings (
  rule: ValidationRule,
  context: ReviewContext,
  settings: unknown,
  findings: readonly Finding[]
): ReadonlySet<string> {
  if (context.operation !== 'UPDATE' || context.oldObject === undefined || findings.length === 0) return NONE
  const before = rule.check(context.oldObject, { ...context, operation: 'CREATE', oldObject: undefined }, settings)
  return new Set(before.map(findingKey))
}

function mildest (action: keyof typeof SEVERITY, requested: keyof typeof SEVERITY | undefined): keyof typeof SEVERITY {
  return requested !== undefined && SEVERITY[requested] < SEVERITY[action] ? requested : action
}

export interface MutationResult {
  /** The object with every `mutate` change applied (the input itself when none applies). */
  readonly object: KubeObject
  readonly changes: readonly Change[]
}

/**
 * Runs the mutation rules for the object's kind. Changes whose action is `audit` are reported
 * but not applied; the caller diffs `object` against the input to build the patch.
 */
export function mutate (object: KubeObject, context: ReviewContext, policy: CompiledPolicy): MutationResult {
  if (isExempt(context, policy, object)) return { object, changes: [] }
  let current = object
  const changes: Change[] = []
  for (const { rule, action, settings } of policy.mutations.get(kindKey(context.kind)) ?? []) {
    if (action === 'off' || !rule.operations.includes(context.operation)) continue
    if (findException(rule.id, context, policy, object) !== undefined) continue
    const result = rule.mutate(current, context, settings)
    if (result === undefined) continue
    changes.push({ ruleId: rule.id, action, message: result.message })
    if (action === 'mutate') current = result.object
  }
  return { object: current, changes }
}
