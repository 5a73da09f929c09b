import type { Decision } from '../engine/decide.ts'
import { parseFieldPath } from '../engine/field-path.ts'
import type { Review } from '../engine/review.ts'
import type { Change, Mode, Operation, RuleResult, RuleStatus, Violation } from '../engine/types.ts'
import type { KubeObject } from '../kube/types.ts'
import type { ManifestSource, Position, SkippedInput } from './manifests.ts'

// The model every output format of `netguard check` renders (src/cli/formats/): the per-rule
// results of the one review, with where each finding sits in its file. Formats only present it.

export const REPORT_API_VERSION = 'netguard.io/v1alpha1'
export const REPORT_KIND = 'CheckReport'

/**
 * deny: would be refused; warn: allowed with warnings (in audit mode also what would be refused);
 * allow: allowed, some rule looked; skip: no rule looked (a kind no rule reads, an exempt object).
 */
export type Verdict = 'deny' | 'warn' | 'allow' | 'skip'

/** The verdict on one object, with everything a report shows. */
export interface CheckedObject {
  readonly kind: string
  readonly apiVersion: string
  readonly namespace: string | undefined
  /** `metadata.name`, or the `generateName` prefix followed by `*`. */
  readonly name: string
  readonly operation: Operation
  readonly verdict: Verdict
  /** Why no rule looked, when the verdict is skip. */
  readonly skipReason?: string
  readonly decision: Decision
  /** One result per rule: the manifest's own checks (SCHEMA-UNKNOWN-FIELD) first, then the review's. */
  readonly rules: readonly RuleResult[]
  /** The object as the manifest writes it (before any patch), for the posture report. */
  readonly object: KubeObject
  /** The review itself, for the posture report (its results without the manifest's own checks). */
  readonly review: Review
  readonly source: ManifestSource
  /** Where a field path (`spec.ports[0].nodePort`) is written in the source. */
  position (steps: readonly (string | number)[]): Position
}

export interface CheckReport {
  readonly mode: Mode
  readonly objects: readonly CheckedObject[]
  /** Documents that are not Kubernetes objects. */
  readonly skipped: readonly SkippedInput[]
  /** netguard's version, for formats that name the tool (SARIF). */
  readonly version: string
  /**
   * Whether findings show their admin-only detail (which object elsewhere holds a host or range).
   * Off unless asked for: a pipeline's output is read by the people whose manifests it judges.
   */
  readonly showDetail: boolean
}

export interface RenderOptions {
  /** Text only: leave out objects with nothing to report. @default false */
  readonly quiet?: boolean
}

/** A format: the whole report as the text to print. Registered in formats/index.ts. */
export type ReportRenderer = (report: CheckReport, options: RenderOptions) => string

/** What a finding does under the mode: in audit mode a deny is only reported. */
export type Effect = 'deny' | 'would deny' | 'warn' | 'audit'

export interface FindingRow {
  readonly ruleId: string
  readonly status: RuleStatus
  readonly effect: Effect
  readonly violation: Violation
  /** The admin-only detail, when the report shows it. */
  readonly detail: string | undefined
  readonly position: Position
}

/** Every finding of an object, from its per-rule results, in rule order. */
export function findingsOf (object: CheckedObject, report: Pick<CheckReport, 'mode' | 'showDetail'>): FindingRow[] {
  return object.rules.flatMap((result) => (result.violations ?? []).map((violation) => ({
    ruleId: result.ruleId,
    status: result.status,
    effect: effectOf(violation, report.mode),
    violation,
    detail: report.showDetail ? violation.detail : undefined,
    position: object.position(parseFieldPath(violation.path) ?? [])
  })))
}

/** What the mutating rules change (or, in audit, would change), from the per-rule results. */
export function changesOf (object: CheckedObject): Change[] {
  return object.rules.flatMap((result) => result.change === undefined ? [] : [result.change])
}

function effectOf (violation: Violation, mode: Mode): Effect {
  if (violation.action === 'deny') return mode === 'audit' ? 'would deny' : 'deny'
  return violation.action
}

export function changeLabel (change: Change, mode: Mode): string {
  return change.action === 'mutate' && mode === 'enforce' ? 'patch' : 'would patch'
}

/** `[RULE-ID] message; fix`, with the detail when the report shows it. */
export function findingText (row: FindingRow): string {
  const { ruleId, violation } = row
  return `[${ruleId}] ${violation.message}; ${violation.fix}${row.detail === undefined ? '' : ` (detail: ${row.detail})`}`
}

export interface Summary {
  readonly objects: number
  readonly files: number
  readonly denied: number
  readonly warned: number
  readonly allowed: number
  readonly skipped: number
  readonly violations: number
  /** Documents that are not Kubernetes objects. */
  readonly skippedDocuments: number
}

export function summarize (report: CheckReport): Summary {
  const { objects } = report
  const count = (verdict: Verdict): number => objects.filter((object) => object.verdict === verdict).length
  return {
    objects: objects.length,
    files: new Set(objects.map((object) => object.source.file)).size,
    denied: count('deny'),
    warned: count('warn'),
    allowed: count('allow'),
    skipped: count('skip'),
    violations: objects.reduce((total, object) => total + object.rules.reduce((sum, result) => sum + (result.violations?.length ?? 0), 0), 0),
    skippedDocuments: report.skipped.length
  }
}

/** `Service shop/web`, `Namespace shop`, `DELETE NetworkPolicy shop/allow-same-namespace`. */
export function objectLabel (object: CheckedObject): string {
  const operation = object.operation === 'CREATE' ? '' : `${object.operation} `
  return `${operation}${object.kind} ${object.namespace === undefined || object.kind === 'Namespace' ? '' : `${object.namespace}/`}${object.name}`
}

/** `k8s/app.yaml:12`, or `k8s/app.yaml, document 2, items[3]` when the line is not known. */
export function sourceLabel (source: ManifestSource): string {
  if (source.line !== undefined) return `${source.file}:${source.line}`
  return `${source.file}, document ${source.document}${source.item === undefined ? '' : `, items[${source.item}]`}`
}

/** `values.yaml:1`, `values.yaml, document 2`, `chart/templates/svc.yaml`. */
export function skippedLabel (input: SkippedInput): string {
  if (input.line !== undefined) return `${input.file}:${input.line}`
  return input.document === undefined ? input.file : `${input.file}, document ${input.document}`
}
