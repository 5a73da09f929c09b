import { isDeepStrictEqual } from 'node:util'
import { kindKey, type KubeObject } from '../kube/types.ts'
import { parseFieldPath, valueAt } from './field-path.ts'
import { findException, waives } from './match.ts'
import type { CompiledPolicy } from './policy.ts'
import type { MutationRule, ValidationRule } from './rule.ts'
import type { Change, ExemptBy, Finding, ReviewContext, ReviewPoint, RuleResult, Subject, Violation } from './types.ts'

// The two loops a review runs, one per webhook. The verdict is review.ts's; here each rule that
// applies is run, or waived (by the subject's exemption or an exception), and what it made of the
// subject is recorded, one RuleResult per rule.

/**
 * Runs the validation rules that apply. On DELETE the object examined is the one being deleted,
 * and only rules that declare DELETE look at it. Pure: the result depends on the arguments only.
 */
export function runValidations (subject: Subject, policy: CompiledPolicy, exemption: ExemptBy | undefined, results: RuleResult[]): Violation[] {
  const object = subject.operation === 'DELETE' ? subject.oldObject : subject.object
  const violations: Violation[] = []
  for (const { rule, action, settings } of policy.validations.get(kindKey(subject.kind)) ?? []) {
    if (action === 'off' || !rule.operations.includes(subject.operation)) continue
    if (waives(exemption, rule)) {
      results.push({ ruleId: rule.id, point: 'validate', status: 'skip', exemptBy: exemption })
      continue
    }
    if (object === undefined) continue
    const exception = findException(rule.id, subject, policy)
    if (exception !== undefined) {
      results.push({ ruleId: rule.id, point: 'validate', status: 'skip', exception })
      continue
    }
    let found: Violation[]
    try {
      const findings = rule.check(object, subject, settings)
      if (findings.length === 0) {
        results.push(passed(rule, 'validate'))
        continue
      }
      const before = policy.allowExistingViolations && rule.judgesChanges !== true && action === 'deny'
        ? findingsBefore(rule, subject, settings)
        : undefined
      found = findings.map((finding) => {
        const existing = before !== undefined && alreadySo(finding, before, object)
        return {
          ...finding,
          ...(existing ? { message: `${finding.message} (already so before this update)` } : {}),
          ruleId: rule.id,
          action: mildest(action, existing ? 'warn' : finding.action)
        }
      })
      results.push({ ruleId: rule.id, point: 'validate', status: found.some((violation) => violation.action === 'deny') ? 'fail' : 'warn', violations: found })
    } catch (error) {
      found = [{
        ruleId: rule.id,
        action,
        path: '',
        message: `rule could not evaluate this object (${error instanceof Error ? error.message : String(error)})`,
        fix: 'check that the object is well-formed; report the object to the netguard maintainers if it is'
      }]
      results.push({ ruleId: rule.id, point: 'validate', status: 'error', violations: found })
    }
    violations.push(...found)
  }
  return violations
}

/** One frozen pass result per rule: a review where every rule passes allocates no result. */
const PASSES = new WeakMap<ValidationRule | MutationRule, RuleResult>()

function passed (rule: ValidationRule | MutationRule, point: ReviewPoint): RuleResult {
  let result = PASSES.get(rule)
  if (result === undefined) PASSES.set(rule, result = Object.freeze({ ruleId: rule.id, point, status: 'pass' }))
  return result
}

const SEVERITY = { deny: 3, warn: 2, audit: 1 } as const

/** A finding's identity within its rule: the path and the code. */
const findingKey = (finding: Finding): string => `${finding.path}\u0000${finding.code ?? ''}`

/**
 * On UPDATE, the findings the old object would get if it were created now, and the old object.
 * A deny among them is debt the object already carried: relabelling a legacy host-network pod
 * must not be refused. Only computed when the update has findings, so a clean update costs
 * nothing extra.
 */
function findingsBefore (rule: ValidationRule, context: ReviewContext, settings: unknown): { readonly keys: ReadonlySet<string>, readonly object: KubeObject } | undefined {
  if (context.operation !== 'UPDATE' || context.oldObject === undefined) return undefined
  const before = rule.check(context.oldObject, { ...context, operation: 'CREATE', oldObject: undefined }, settings)
  return { keys: new Set(before.map(findingKey)), object: context.oldObject }
}

/**
 * The old object had the same finding (rule, path, code) and the field it is about did not
 * change, as Kubernetes ratchets validation: moving a legacy NodePort to another port, or a
 * disallowed host to another disallowed host, is a new finding. A finding about the object as a
 * whole (path '') has no field to compare.
 */
function alreadySo (finding: Finding, before: { readonly keys: ReadonlySet<string>, readonly object: KubeObject }, object: KubeObject): boolean {
  if (!before.keys.has(findingKey(finding))) return false
  const steps = finding.path === '' ? [] : parseFieldPath(finding.path)
  return steps !== undefined && (steps.length === 0 || isDeepStrictEqual(valueAt(before.object, steps), valueAt(object, steps)))
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
 * Runs the mutation rules that apply, each on the object as the rules before it left it. Changes
 * whose action is `audit` are reported but not applied.
 */
export function runMutations (object: KubeObject, subject: Subject, policy: CompiledPolicy, exemption: ExemptBy | undefined, results: RuleResult[]): MutationResult {
  let current = object
  const changes: Change[] = []
  for (const { rule, action, settings } of policy.mutations.get(kindKey(subject.kind)) ?? []) {
    if (action === 'off' || !rule.operations.includes(subject.operation)) continue
    if (waives(exemption, rule)) {
      results.push({ ruleId: rule.id, point: 'mutate', status: 'skip', exemptBy: exemption })
      continue
    }
    const exception = findException(rule.id, subject, policy)
    if (exception !== undefined) {
      results.push({ ruleId: rule.id, point: 'mutate', status: 'skip', exception })
      continue
    }
    const result = rule.mutate(current, subject, settings)
    if (result === undefined) {
      results.push(passed(rule, 'mutate'))
      continue
    }
    const change: Change = { ruleId: rule.id, action, message: result.message }
    changes.push(change)
    results.push({ ruleId: rule.id, point: 'mutate', status: 'warn', change })
    if (action === 'mutate') current = result.object
  }
  return { object: current, changes }
}
