import type { CompiledPolicy } from '../engine/policy.ts'
import { desiredNetworkPolicies } from '../engine/isolation.ts'
import type { Review } from '../engine/review.ts'
import { RULES } from '../engine/rules/index.ts'
import type { Mode, RuleResult } from '../engine/types.ts'
import { isClusterScoped, kindOf } from '../kube/kinds.ts'
import type { KubeObject } from '../kube/types.ts'
import { namespaceVerdict } from '../reconciler/desired.ts'
import { plan } from '../reconciler/plan.ts'
import { EXPOSURE_TYPES, exposuresOf, type ExposureType } from './exposure.ts'
import { familyOf, OTHER_FAMILY, RULE_FAMILIES } from './families.ts'
import { attachmentOf, attachmentUse, isNetworkAttachment, type NetworkAttachment } from './multus.ts'
import { RULE_DOCS } from './rule-docs.ts'

// The posture report as data: one JSON document, built from the per-rule results of the one
// review every front runs (engine/review.ts). Nothing here evaluates a rule: findings, cells and
// verdicts are read from the results; exposures and the multus map from the objects themselves.

export const POSTURE_API_VERSION = 'netguard.io/v1alpha1'
export const POSTURE_KIND = 'PostureReport'

/** Where rule links point unless --docs-url says otherwise: the project's documentation. */
export const DEFAULT_DOCS_URL = 'https://github.com/netguard/netguard/blob/main/docs/rules/'

/**
 * What a finding does, worst first: a rule that failed to run, a deny, a warning, a record in the
 * audit log, a patch the mutating webhook would make, a rule an exception waives.
 */
export type FindingAction = 'error' | 'deny' | 'warn' | 'audit' | 'patch' | 'waived'
/** A matrix cell: the worst finding of the family in the namespace, or that rules passed, or exempt. */
export type CellState = FindingAction | 'pass' | 'exempt'
export const CELL_ORDER: readonly CellState[] = ['error', 'deny', 'warn', 'audit', 'patch', 'waived', 'pass', 'exempt']
const FINDING_ORDER: readonly FindingAction[] = ['error', 'deny', 'warn', 'audit', 'patch', 'waived']

/**
 * isolated: the isolation label, and every default NetworkPolicy present as the reconciler keeps
 * it; partial: the label, with policies missing or changed; not-isolated: no label; exempt: the
 * policy exempts the namespace; terminating: being deleted; unknown: objects name the namespace
 * but its Namespace was not given (check).
 */
export type IsolationStatus = 'isolated' | 'partial' | 'not-isolated' | 'exempt' | 'terminating' | 'unknown'

/** One object reviewed by a front, with what the review made of it. */
export interface ReviewedObject {
  /** The object as the cluster holds it or the manifest writes it (before any patch). */
  readonly object: KubeObject
  readonly review: Review
  /** The front reports the object as exempt, so no result of its review is a finding (audit does). */
  readonly exempt?: boolean
}

export interface PostureInput {
  readonly front: 'audit' | 'check'
  /** What was reviewed, in words: the cluster's API server, the manifest paths. */
  readonly source: string
  readonly generatedAt: Date
  readonly policy: CompiledPolicy
  /** The mode the findings are judged in (audit judges as enforce would). */
  readonly mode: Mode
  readonly reviewed: readonly ReviewedObject[]
  /** Objects known to exist that were not reviewed (check's --cluster-state): namespaces and policies count for isolation. */
  readonly known?: readonly KubeObject[]
  /** Lines about coverage, e.g. kinds the cluster does not serve. */
  readonly notes?: readonly string[]
  /** Base URL of docs/rules/. @default DEFAULT_DOCS_URL */
  readonly docsUrl?: string
  /**
   * Keep each finding's admin-only detail (which object elsewhere holds a host or range). Audit,
   * read by the platform team, keeps it; check, which a tenant may run and publish, does not.
   */
  readonly adminDetail: boolean
}

export interface PostureFinding {
  readonly ns: string
  readonly kind: string
  readonly name: string
  readonly rule: string
  readonly action: FindingAction
  readonly path: string
  readonly message: string
  readonly fix: string
  readonly code?: string
  readonly detail?: string
}

export interface NamespacePosture {
  /** '' for cluster-scoped objects other than Namespaces. */
  readonly name: string
  readonly isolation: IsolationStatus
  /** partial: the default NetworkPolicies missing, or changed (`name (spec)`). */
  readonly missing?: readonly string[]
  readonly objects: number
  /** By family id; a family no rule looked at in the namespace is absent. */
  readonly cells: Readonly<Record<string, { readonly state: CellState, readonly findings: number }>>
}

export interface Exposure {
  readonly ns: string
  readonly kind: string
  readonly name: string
  readonly type: ExposureType
  readonly risk: number
  readonly level: 'high' | 'medium' | 'low'
  readonly path: string
  readonly what: string
  /** What the rules that judge this exposure made of the object: `RULE: state` (unchecked when no rule ran). */
  readonly verdict: string
  readonly verdictState: CellState | 'unchecked'
}

export interface PostureSummary {
  readonly objects: number
  /** Objects that would be refused under enforcement (some deny finding). */
  readonly denied: number
  /** Objects with warnings, audit records or patches but no deny. */
  readonly warned: number
  readonly passed: number
  readonly exempt: number
  readonly findings: Readonly<Record<FindingAction, number>>
  readonly namespaces: Readonly<Record<IsolationStatus, number>> & { readonly total: number }
  /** isolated / (namespaces that are neither exempt, terminating nor unknown); null when there are none. */
  readonly isolatedShare: number | null
  readonly exposures: Readonly<Record<Exposure['level'], number>>
}

/** One thing that changed since a previous report (compare.ts). */
export interface Change {
  readonly what: 'finding' | 'exposure' | 'isolation'
  readonly ns: string
  /** `Kind/name`, or '' for a namespace's isolation. */
  readonly object: string
  /** The rule ID, the exposure type, or the isolation status now. */
  readonly key: string
  readonly text: string
}

export interface Comparison {
  readonly previous: { readonly generatedAt: string, readonly source: string, readonly summary: PostureSummary }
  readonly better: readonly Change[]
  readonly worse: readonly Change[]
}

/** The JSON posture document: embedded in the HTML report, and what --compare reads back. */
export interface PostureDocument {
  readonly apiVersion: typeof POSTURE_API_VERSION
  readonly kind: typeof POSTURE_KIND
  readonly generatedAt: string
  readonly front: PostureInput['front']
  readonly source: string
  readonly mode: Mode
  readonly notes: readonly string[]
  readonly isolation: { readonly label: string, readonly value: string, readonly networkPolicies: readonly string[] }
  readonly summary: PostureSummary
  readonly families: readonly { readonly id: string, readonly title: string, readonly covers: string }[]
  /** Every rule that has a result here: its family, one-line summary and documentation link. */
  readonly rules: Readonly<Record<string, { readonly family: string, readonly summary: string, readonly doc: string }>>
  readonly namespaces: readonly NamespacePosture[]
  readonly findings: readonly PostureFinding[]
  readonly exposures: readonly Exposure[]
  readonly networks: readonly NetworkAttachment[]
  readonly compare?: Comparison
}

const RULE_SUMMARIES = new Map(RULES.map((rule) => [rule.id, rule.summary]))

/** Builds the posture document. Pure given its input. */
export function buildPosture (input: PostureInput): PostureDocument {
  const docsUrl = input.docsUrl ?? DEFAULT_DOCS_URL
  const findings: PostureFinding[] = []
  const rows = new Map<string, { objects: number, cells: Map<string, { state: CellState, findings: number }> }>()
  const rules = new Map<string, PostureDocument['rules'][string]>()
  const exposures: Exposure[] = []
  const counts = { objects: 0, denied: 0, warned: 0, passed: 0, exempt: 0 }
  const row = (name: string): NonNullable<ReturnType<typeof rows.get>> => {
    let entry = rows.get(name)
    if (entry === undefined) rows.set(name, entry = { objects: 0, cells: new Map() })
    return entry
  }

  for (const { object, review, exempt } of input.reviewed) {
    const ns = scopeOf(object)
    const kind = typeof object.kind === 'string' ? object.kind : ''
    const name = object.metadata?.name ?? ''
    const own = exempt === true ? [] : findingsOf(review.rules, { ns, kind, name }, input.adminDetail)
    findings.push(...own)
    const entry = row(ns)
    entry.objects++
    for (const result of review.rules) {
      const family = familyOf(result.ruleId).id
      if (!rules.has(result.ruleId)) rules.set(result.ruleId, ruleEntry(result.ruleId, docsUrl))
      const state: CellState = exempt === true || result.exemptBy !== undefined ? 'exempt' : stateOf(result)
      const cell = entry.cells.get(family)
      entry.cells.set(family, cell === undefined ? { state, findings: 0 } : { state: worse(cell.state, state), findings: cell.findings })
    }
    for (const finding of own) {
      const family = familyOf(finding.rule).id
      const cell = entry.cells.get(family)
      if (cell !== undefined) entry.cells.set(family, { state: cell.state, findings: cell.findings + 1 })
    }
    counts.objects++
    const { violations, changes } = review.decision
    // A rule that failed to run carries its action too: an error of a deny rule denies.
    if (exempt === true) counts.exempt++
    else if (violations.some((violation) => violation.action === 'deny')) counts.denied++
    else if (violations.length > 0 || changes.length > 0) counts.warned++
    else if (review.exemption !== undefined) counts.exempt++
    else counts.passed++
    for (const fact of exposuresOf(object)) {
      const type = EXPOSURE_TYPES[fact.type]
      const verdicts = type.rules.flatMap((ruleId) => {
        const result = review.rules.find((candidate) => candidate.ruleId === ruleId)
        if (result === undefined) return []
        return [{ ruleId, state: exempt === true || result.exemptBy !== undefined ? 'exempt' as const : stateOf(result) }]
      })
      const verdictState = verdicts.reduce<CellState | 'unchecked'>((worst, { state }) => worst === 'unchecked' ? state : worse(worst, state), 'unchecked')
      exposures.push({
        ns,
        kind,
        name,
        type: fact.type,
        risk: type.risk,
        level: type.risk >= 75 ? 'high' : type.risk >= 50 ? 'medium' : 'low',
        path: fact.path,
        what: fact.what,
        verdict: verdicts.length === 0 ? `not checked (${type.rules.join(', ')} off or not run)` : verdicts.map(({ ruleId, state }) => `${ruleId}: ${state}`).join('; '),
        verdictState
      })
    }
  }

  const all = [...input.reviewed.map(({ object }) => object), ...input.known ?? []]
  const isolation = isolationOf(all, [...rows.keys()], input.policy, input.generatedAt)
  const namespaces: NamespacePosture[] = [...new Set([...rows.keys(), ...isolation.keys()])].sort(byName).map((name) => {
    const entry = rows.get(name)
    const state = isolation.get(name) ?? { status: 'unknown' as const }
    return {
      name,
      isolation: name === '' ? 'exempt' : state.status,
      ...(state.missing === undefined ? {} : { missing: state.missing }),
      objects: entry?.objects ?? 0,
      cells: Object.fromEntries(entry?.cells ?? [])
    }
  })
  findings.sort((a, b) => FINDING_ORDER.indexOf(a.action) - FINDING_ORDER.indexOf(b.action) || byName(a.ns, b.ns) || byName(a.kind, b.kind) || byName(a.name, b.name) || byName(a.rule, b.rule))
  exposures.sort((a, b) => (exposureExempt(a) - exposureExempt(b)) || b.risk - a.risk || byName(a.ns, b.ns) || byName(a.kind, b.kind) || byName(a.name, b.name))

  const use = attachmentUse(all)
  const networks = all.filter(isNetworkAttachment).map((object) => attachmentOf(object, use.get(`${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`) ?? {}))
    .sort((a, b) => byName(a.ns, b.ns) || byName(a.name, b.name))

  return {
    apiVersion: POSTURE_API_VERSION,
    kind: POSTURE_KIND,
    generatedAt: input.generatedAt.toISOString(),
    front: input.front,
    source: input.source,
    mode: input.mode,
    notes: input.notes ?? [],
    isolation: { label: input.policy.shared.isolation.label, value: input.policy.shared.isolation.value, networkPolicies: input.policy.shared.isolation.networkPolicies.map((policy) => policy.name) },
    summary: summaryOf(counts, findings, namespaces, exposures),
    families: [...RULE_FAMILIES, OTHER_FAMILY].filter((family) => family !== OTHER_FAMILY || [...rules.values()].some((rule) => rule.family === OTHER_FAMILY.id))
      .map(({ id, title, covers }) => ({ id, title, covers })),
    rules: Object.fromEntries([...rules].sort(([a], [b]) => byName(a, b))),
    namespaces,
    findings,
    exposures,
    networks
  }
}

/** The row an object belongs to: its namespace, a Namespace its own name, other cluster-scoped objects ''. */
function scopeOf (object: KubeObject): string {
  const kind = kindOf(object)
  if (kind.group === '' && kind.kind === 'Namespace') return object.metadata?.name ?? ''
  return isClusterScoped(kind.kind) ? '' : object.metadata?.namespace ?? ''
}

function findingsOf (results: readonly RuleResult[], where: { ns: string, kind: string, name: string }, adminDetail: boolean): PostureFinding[] {
  const found: PostureFinding[] = []
  for (const result of results) {
    const rule = result.ruleId
    if (result.change !== undefined) {
      found.push({ ...where, rule, action: 'patch', path: '', message: result.change.message, fix: 'netguard makes this change when the object is created; add it to the manifest to keep the two the same' })
    }
    for (const violation of result.violations ?? []) {
      found.push({
        ...where,
        rule,
        action: result.status === 'error' ? 'error' : violation.action,
        path: violation.path,
        message: violation.message,
        fix: violation.fix,
        ...(violation.code === undefined ? {} : { code: violation.code }),
        ...(adminDetail && violation.detail !== undefined ? { detail: violation.detail } : {})
      })
    }
    if (result.exception !== undefined) {
      found.push({ ...where, rule, action: 'waived', path: '', message: `waived by exception ${result.exception}`, fix: 'review the exception when it expires or the reason no longer holds' })
    }
  }
  return found
}

function stateOf (result: RuleResult): CellState {
  if (result.status === 'error') return 'error'
  if (result.status === 'skip') return result.exception !== undefined ? 'waived' : 'exempt'
  if (result.change !== undefined) return 'patch'
  if (result.status === 'pass') return 'pass'
  const actions = new Set(result.violations?.map((violation) => violation.action))
  return actions.has('deny') ? 'deny' : actions.has('warn') ? 'warn' : 'audit'
}

function worse (a: CellState, b: CellState): CellState {
  return CELL_ORDER.indexOf(a) <= CELL_ORDER.indexOf(b) ? a : b
}

function exposureExempt (exposure: Exposure): number {
  return exposure.verdictState === 'exempt' ? 1 : 0
}

function ruleEntry (ruleId: string, docsUrl: string): PostureDocument['rules'][string] {
  const place = RULE_DOCS[ruleId]
  return {
    family: familyOf(ruleId).id,
    summary: RULE_SUMMARIES.get(ruleId) ?? '',
    doc: `${docsUrl.endsWith('/') ? docsUrl : `${docsUrl}/`}${place ?? ''}`
  }
}

interface IsolationState { readonly status: IsolationStatus, readonly missing?: readonly string[] }

/**
 * Isolation of every namespace known (a Namespace object) or named (by a reviewed object), judged
 * as the reconciler judges it: namespaceVerdict for the label, exemptions and deletion, then its
 * plan against the NetworkPolicies present. Nothing to create or update is isolated.
 */
function isolationOf (objects: readonly KubeObject[], named: readonly string[], policy: CompiledPolicy, now: Date): Map<string, IsolationState> {
  const policies = new Map<string, KubeObject[]>()
  const namespaces = new Map<string, KubeObject>()
  for (const object of objects) {
    const kind = kindOf(object)
    const name = object.metadata?.name
    if (name === undefined) continue
    if (kind.group === '' && kind.kind === 'Namespace') namespaces.set(name, object)
    if (kind.group === 'networking.k8s.io' && kind.kind === 'NetworkPolicy') {
      const namespace = object.metadata?.namespace ?? ''
      policies.set(namespace, [...policies.get(namespace) ?? [], object])
    }
  }
  const states = new Map<string, IsolationState>()
  for (const name of new Set([...namespaces.keys(), ...named.filter((name) => name !== '')])) {
    const namespace = namespaces.get(name)
    // Without its Namespace only an exemption by name can be told.
    const verdict = namespaceVerdict(namespace ?? { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, policy, now)
    if (verdict === 'exempt' || verdict === 'terminating') states.set(name, { status: verdict })
    else if (namespace === undefined) states.set(name, { status: 'unknown' })
    else if (verdict === 'not-isolated') states.set(name, { status: 'not-isolated' })
    else {
      const actions = plan(desiredNetworkPolicies(name, policy.shared.isolation), policies.get(name) ?? [])
      const missing = actions.map((action) => action.type === 'create' ? action.object.metadata?.name ?? '' : `${action.object.metadata?.name ?? ''} (${action.drift.join(', ')})`)
      states.set(name, missing.length === 0 ? { status: 'isolated' } : { status: 'partial', missing })
    }
  }
  return states
}

function summaryOf (counts: { objects: number, denied: number, warned: number, passed: number, exempt: number }, findings: readonly PostureFinding[], namespaces: readonly NamespacePosture[], exposures: readonly Exposure[]): PostureSummary {
  const actions: Record<FindingAction, number> = { error: 0, deny: 0, warn: 0, audit: 0, patch: 0, waived: 0 }
  for (const finding of findings) actions[finding.action]++
  const isolation: Record<IsolationStatus, number> = { isolated: 0, partial: 0, 'not-isolated': 0, exempt: 0, terminating: 0, unknown: 0 }
  const real = namespaces.filter((namespace) => namespace.name !== '')
  for (const namespace of real) isolation[namespace.isolation]++
  const judged = isolation.isolated + isolation.partial + isolation['not-isolated']
  const levels = { high: 0, medium: 0, low: 0 }
  for (const exposure of exposures) if (exposure.verdictState !== 'exempt') levels[exposure.level]++
  return {
    ...counts,
    findings: actions,
    namespaces: { ...isolation, total: real.length },
    isolatedShare: judged === 0 ? null : isolation.isolated / judged,
    exposures: levels
  }
}

function byName (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
