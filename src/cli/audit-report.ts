import type { CompiledException, CompiledPolicy, ConfiguredRule } from '../engine/policy.ts'
import type { Category, Rule, Severity } from '../engine/rule.ts'
import { reviewAdmission, type Review } from '../engine/review.ts'
import { subjectOf } from '../engine/subject.ts'
import type { Action, Change, ClusterView, MutationAction, RuleResult, UserInfo, Violation } from '../engine/types.ts'
import { kindKey, type KubeObject } from '../kube/types.ts'
import type { KindListing } from '../cluster/snapshot.ts'

/** Who the audit reviews as: a tenant, exempt by neither user nor group (namespace exemptions still hold). */
const AUDIT_USER: UserInfo = { username: 'netguard-audit', groups: ['system:authenticated'] }

export interface ObjectRef {
  readonly apiVersion: string
  readonly kind: string
  readonly namespace: string | undefined
  readonly name: string
  readonly uid: string | undefined
}

/**
 * What a rule made of one object, as a report result: pass, fail (would deny), warn (warns, is
 * only recorded, or would patch), skip (an exception waives the rule; which, why and until when in
 * `properties`) or error (the rule threw). It carries what a report shows beside it: the policy,
 * category and severity. Exempt objects have none (see auditObject).
 */
export interface RuleOutcome {
  readonly rule: string
  /** The policy document that configures the rule, or DEFAULT_POLICY_NAME when none does. */
  readonly policy: string
  readonly category: Category
  readonly severity: Severity
  readonly result: 'pass' | 'fail' | 'warn' | 'skip' | 'error'
  /** Whether the result counts toward compliance: results of rules that enforce (deny, mutate), not of those that only warn or audit. */
  readonly scored: boolean
  readonly message: string
  /** Never a finding's admin-only `detail`: reports are read by tenants. */
  readonly properties: Readonly<Record<string, string>>
}

/** What reports name a rule's policy when no policy document configures the rule. */
export const DEFAULT_POLICY_NAME = 'netguard-defaults'

export interface AuditedObject {
  readonly ref: ObjectRef
  /** deny: would be refused if created now; warn: allowed with warnings; exempt: no rule looks at it. */
  readonly verdict: 'deny' | 'warn' | 'allow' | 'exempt'
  readonly violations: readonly Violation[]
  /** What the mutating rules would change. */
  readonly changes: readonly Change[]
  readonly outcomes: readonly RuleOutcome[]
  /** The object as listed, and every rule's result (the posture report reads both). */
  readonly object: KubeObject
  readonly review: Review
}

/**
 * Reviews every object as a CREATE, as the webhooks would under enforcement (reviewAdmission:
 * mutation first, then validation of the patched object, in enforce mode), so an admin sees what
 * enforcing would refuse. Pure given its arguments.
 */
export function auditObjects (objects: readonly KubeObject[], policy: CompiledPolicy, cluster: ClusterView, now: Date): AuditedObject[] {
  const configured = configuredRules(policy)
  return objects.map((object) => auditObject(object, policy, cluster, now, configured))
}

function auditObject (object: KubeObject, policy: CompiledPolicy, cluster: ClusterView, now: Date, configured: ConfiguredRules): AuditedObject {
  const metadata = object.metadata ?? {}
  const ref: ObjectRef = { apiVersion: object.apiVersion ?? '', kind: object.kind ?? '', namespace: metadata.namespace, name: metadata.name ?? '', uid: metadata.uid }
  const review = reviewAdmission(subjectOf(object, { user: AUDIT_USER, now, cluster }), policy, 'enforce')
  const { decision, exemption, rules } = review
  // No results for what the policy exempts: as with Kyverno's and Gatekeeper's excluded
  // namespaces, the platform's own objects would fill a report per namespace with skips.
  if (exemption !== undefined) return { ref, verdict: 'exempt', violations: [], changes: [], outcomes: [], object, review }
  const verdict = !decision.allowed ? 'deny' : decision.violations.length > 0 || decision.changes.length > 0 ? 'warn' : 'allow'
  const outcomes = rules.flatMap((result) => outcomesOf(result, configuredRule(configured, result.ruleId), policy.exceptions))
  return { ref, verdict, violations: decision.violations, changes: decision.changes, outcomes, object, review }
}

type Configured = ConfiguredRule<Rule, Action | MutationAction>
type ConfiguredRules = ReadonlyMap<string, Configured>

/** Each rule of the policy, as configured, by ID (a rule is configured once for all its kinds). */
function configuredRules (policy: CompiledPolicy): ConfiguredRules {
  const byId = new Map<string, Configured>()
  for (const entries of [...policy.validations.values(), ...policy.mutations.values()]) {
    for (const entry of entries) byId.set(entry.rule.id, entry)
  }
  return byId
}

/** The review returns results of the policy's own rules only. */
function configuredRule (configured: ConfiguredRules, id: string): Configured {
  const entry = configured.get(id)
  if (entry === undefined) throw new Error(`the review returned a result of rule ${id}, which the policy does not configure`)
  return entry
}

/** A rule's result as report results: one per violation, else one for the rule. */
function outcomesOf (result: RuleResult, configured: Configured, exceptions: readonly CompiledException[]): RuleOutcome[] {
  const { rule, action } = configured
  const base = {
    rule: rule.id,
    policy: configured.policy ?? DEFAULT_POLICY_NAME,
    category: rule.category,
    severity: rule.severity,
    scored: action === 'deny' || action === 'mutate'
  }
  if (result.change !== undefined) {
    return [{ ...base, result: 'warn', message: `would patch: ${result.change.message}`, properties: { action: result.change.action } }]
  }
  if (result.violations !== undefined) {
    return result.violations.map((violation) => ({
      ...base,
      result: result.status === 'error' ? 'error' : violation.action === 'deny' ? 'fail' : 'warn',
      message: `${violation.message}; ${violation.fix}`,
      properties: {
        action: violation.action,
        ...(violation.path === '' ? {} : { field: violation.path }),
        ...(violation.code === undefined ? {} : { code: violation.code })
      }
    }))
  }
  if (result.exception !== undefined) {
    const exception = exceptions.find((candidate) => candidate.name === result.exception)
    return [{
      ...base,
      result: 'skip',
      message: `waived by exception ${result.exception}`,
      properties: {
        exception: result.exception,
        ...(exception === undefined ? {} : { reason: exception.reason }),
        ...(exception?.expiresAt === undefined ? {} : { expires: exception.expiresAt.toISOString() })
      }
    }]
  }
  return [{ ...base, result: 'pass', message: 'passed', properties: {} }]
}

/** Counts for the summary: objects per verdict by namespace, findings per action by rule. */
export interface AuditSummary {
  readonly mode: string
  readonly objects: number
  readonly verdicts: Readonly<Record<AuditedObject['verdict'], number>>
  readonly namespaces: Readonly<Record<string, Readonly<Record<AuditedObject['verdict'], number>>>>
  readonly rules: Readonly<Record<string, Readonly<Record<string, number>>>>
  readonly kinds: readonly { readonly kind: string, readonly group: string, readonly state: KindListing['state'], readonly count?: number }[]
}

/** Cluster-scoped objects are summed under this name. */
const CLUSTER_SCOPE = '(cluster)'

export function summarise (audited: readonly AuditedObject[], kinds: readonly KindListing[], mode: string): AuditSummary {
  const zero = (): Record<AuditedObject['verdict'], number> => ({ deny: 0, warn: 0, allow: 0, exempt: 0 })
  const verdicts = zero()
  const namespaces: Record<string, Record<AuditedObject['verdict'], number>> = {}
  const rules: Record<string, Record<string, number>> = {}
  for (const object of audited) {
    verdicts[object.verdict]++
    const scope = object.ref.namespace ?? CLUSTER_SCOPE
    namespaces[scope] ??= zero()
    namespaces[scope][object.verdict]++
    for (const { ruleId, action } of [...object.violations, ...object.changes]) {
      rules[ruleId] ??= {}
      rules[ruleId][action] = (rules[ruleId][action] ?? 0) + 1
    }
  }
  return {
    mode,
    objects: audited.length,
    verdicts,
    namespaces: sortedRecord(namespaces),
    rules: sortedRecord(rules),
    kinds: kinds.map((listing) => ({ kind: listing.kind.kind, group: listing.kind.group, state: listing.state, ...(listing.state === 'listed' ? { count: listing.count } : {}) }))
  }
}

/** The text report: what was audited, tables by namespace and by rule, then every finding. */
export function renderText (summary: AuditSummary, audited: readonly AuditedObject[]): string {
  const lines: string[] = []
  const absent = (state: KindListing['state']): string[] => summary.kinds.filter((kind) => kind.state === state).map((kind) => kindKey(kind))
  lines.push(`netguard audit: ${summary.objects} objects, policy mode ${summary.mode}; findings are what enforce mode would do to each object created now`)
  const notServed = absent('not-served')
  const unknown = absent('unknown-resource')
  if (notServed.length > 0) lines.push(`not served by this cluster: ${notServed.join(', ')}`)
  if (unknown.length > 0) lines.push(`not audited (no API resource known to netguard): ${unknown.join(', ')}`)
  lines.push('', table(['namespace', 'deny', 'warn', 'allow', 'exempt'], Object.entries(summary.namespaces).map(([name, counts]) =>
    [name, counts.deny, counts.warn, counts.allow, counts.exempt])))
  const ruleRows = Object.entries(summary.rules).map(([rule, counts]) => [rule, counts.deny ?? 0, counts.warn ?? 0, counts.audit ?? 0, counts.mutate ?? 0])
  if (ruleRows.length > 0) lines.push('', table(['rule', 'deny', 'warn', 'audit', 'patch'], ruleRows))
  const findings = audited.flatMap((object) => [
    ...object.violations.map((violation) => `  ${label(object.ref)}: [${violation.ruleId}] ${violation.action}: ${violation.message}; ${violation.fix}`),
    ...object.changes.map((change) => `  ${label(object.ref)}: [${change.ruleId}] would patch: ${change.message}`)
  ])
  if (findings.length > 0) lines.push('', 'findings:', ...findings)
  const { deny, warn, allow, exempt } = summary.verdicts
  lines.push('', `${deny} would be denied, ${warn} with warnings or patches, ${allow} pass, ${exempt} exempt`)
  return `${lines.join('\n')}\n`
}

/** The JSON report: the summary and every object with a finding. */
export function renderJson (summary: AuditSummary, audited: readonly AuditedObject[]): string {
  const findings = audited
    .filter((object) => object.violations.length > 0 || object.changes.length > 0)
    .map(({ ref, verdict, violations, changes }) => ({
      ...ref,
      verdict,
      violations: violations.map(({ ruleId, action, path, message, fix }) => ({ rule: ruleId, action, field: path, message, fix })),
      changes: changes.map(({ ruleId, action, message }) => ({ rule: ruleId, action, message }))
    }))
  return `${JSON.stringify({ ...summary, findings }, null, 2)}\n`
}

function label (ref: ObjectRef): string {
  const name = `${ref.kind}/${ref.name}`
  return ref.namespace === undefined ? name : `${ref.namespace} ${name}`
}

function table (header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column]).length)))
  const line = (cells: readonly (string | number)[]): string =>
    cells.map((cell, column) => column === 0 ? String(cell).padEnd(widths[column] ?? 0) : String(cell).padStart(widths[column] ?? 0)).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

function sortedRecord<T> (record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))
}
