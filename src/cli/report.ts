import { formatViolation, type Decision } from '../engine/decide.ts'
import type { Review } from '../engine/review.ts'
import type { Change, Mode, Violation } from '../engine/types.ts'
import type { KubeObject } from '../kube/types.ts'
import type { ManifestSource } from './manifests.ts'

export type ReportFormat = 'text' | 'json' | 'junit'
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'junit']

export const REPORT_API_VERSION = 'netguard.io/v1alpha1'
export const REPORT_KIND = 'CheckReport'

/** The verdict on one object, with everything a report shows. */
export interface ObjectVerdict {
  readonly kind: string
  readonly apiVersion: string
  readonly namespace: string | undefined
  /** `metadata.name`, or the `generateName` prefix followed by `*`. */
  readonly name: string
  /** deny: would be refused; warn: allowed with warnings; allow: allowed silently. */
  readonly verdict: 'deny' | 'warn' | 'allow'
  readonly decision: Decision
  /** The object as reviewed (the manifest, with the namespace it is created in). */
  readonly object: KubeObject
  /** Every rule's result, for the posture report. */
  readonly review: Review
}

export interface CheckedManifest extends ObjectVerdict {
  readonly source: ManifestSource
}

export interface ReportOptions {
  /** Text only: leave out objects that pass with nothing to report. @default false */
  readonly quiet?: boolean
}

export function renderReport (format: ReportFormat, results: readonly CheckedManifest[], mode: Mode, options: ReportOptions = {}): string {
  switch (format) {
    case 'json': return `${JSON.stringify(jsonReport(results, mode), null, 2)}\n`
    case 'junit': return junitReport(results, mode)
    default: return textReport(results, mode, options.quiet === true)
  }
}

interface Summary {
  readonly objects: number
  readonly files: number
  readonly denied: number
  readonly warned: number
  readonly allowed: number
  readonly violations: number
}

function summarize (results: readonly CheckedManifest[]): Summary {
  const count = (verdict: CheckedManifest['verdict']): number => results.filter((result) => result.verdict === verdict).length
  return {
    objects: results.length,
    files: new Set(results.map((result) => result.source.file)).size,
    denied: count('deny'),
    warned: count('warn'),
    allowed: count('allow'),
    violations: results.reduce((total, result) => total + result.decision.violations.length, 0)
  }
}

/** `Service shop/web`, `Namespace shop`. */
function objectLabel (result: CheckedManifest): string {
  return `${result.kind} ${result.namespace === undefined || result.kind === 'Namespace' ? '' : `${result.namespace}/`}${result.name}`
}

/** `k8s/app.yaml:12`, or `k8s/app.yaml, document 2, items[3]` when the line is not known. */
function sourceLabel (source: ManifestSource): string {
  if (source.line !== undefined) return `${source.file}:${source.line}`
  return `${source.file}, document ${source.document}${source.item === undefined ? '' : `, items[${source.item}]`}`
}

/** What a violation does under the mode: in audit mode a deny is only reported. */
function actionLabel (violation: Violation, mode: Mode): string {
  return violation.action === 'deny' && mode === 'audit' ? 'would deny' : violation.action
}

function changeLabel (change: Change, mode: Mode): string {
  return change.action === 'mutate' && mode === 'enforce' ? 'patch' : 'would patch'
}

const VERDICT_LABEL = { deny: 'DENY ', warn: 'WARN ', allow: 'PASS ' } as const

/**
 * One line per object (verdict, kind, namespace/name, where it was read), then one indented
 * line per violation and per patch, then a summary line. Quiet leaves out objects with nothing to say.
 */
function textReport (results: readonly CheckedManifest[], mode: Mode, quiet: boolean): string {
  const lines: string[] = []
  for (const result of results) {
    if (quiet && result.verdict === 'allow' && result.decision.violations.length === 0 && result.decision.changes.length === 0) continue
    lines.push(`${VERDICT_LABEL[result.verdict]} ${objectLabel(result)} (${sourceLabel(result.source)})`)
    for (const violation of result.decision.violations) lines.push(`  ${actionLabel(violation, mode)}: ${formatViolation(violation)}`)
    for (const change of result.decision.changes) lines.push(`  ${changeLabel(change, mode)}: [${change.ruleId}] ${change.message}`)
  }
  const summary = summarize(results)
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`
  lines.push('', `${plural(summary.objects, 'object')} in ${plural(summary.files, 'file')}: ${summary.denied} denied, ` +
    `${summary.warned} with warnings, ${summary.allowed} allowed (mode ${mode})`)
  return `${lines.join('\n')}\n`
}

/**
 * The JSON report. Its shape is stable (docs/check.md): fields keep their names and order, and
 * optional fields (`item`, `line`, `namespace`) are left out rather than set to null.
 */
export function jsonReport (results: readonly CheckedManifest[], mode: Mode): unknown {
  return {
    apiVersion: REPORT_API_VERSION,
    kind: REPORT_KIND,
    mode,
    summary: summarize(results),
    results: results.map((result) => ({
      file: result.source.file,
      document: result.source.document,
      ...(result.source.item === undefined ? {} : { item: result.source.item }),
      ...(result.source.line === undefined ? {} : { line: result.source.line }),
      apiVersion: result.apiVersion,
      kind: result.kind,
      ...(result.namespace === undefined ? {} : { namespace: result.namespace }),
      name: result.name,
      verdict: result.verdict,
      violations: result.decision.violations.map((violation) => ({
        rule: violation.ruleId,
        action: violation.action,
        path: violation.path,
        message: violation.message,
        fix: violation.fix
      })),
      mutations: result.decision.changes.map((change) => ({ rule: change.ruleId, action: change.action, message: change.message }))
    }))
  }
}

/**
 * JUnit XML as CI systems read it: one test suite per file, one test case per object; a denied
 * object is a failure whose text lists its violations; warnings go to the case's system-out.
 */
function junitReport (results: readonly CheckedManifest[], mode: Mode): string {
  const byFile = new Map<string, CheckedManifest[]>()
  for (const result of results) {
    const list = byFile.get(result.source.file)
    if (list === undefined) byFile.set(result.source.file, [result])
    else list.push(result)
  }
  const summary = summarize(results)
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="netguard check" tests="${summary.objects}" failures="${summary.denied}" errors="0">`
  ]
  for (const [file, cases] of byFile) {
    const failures = cases.filter((result) => result.verdict === 'deny').length
    lines.push(`  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`)
    for (const result of cases) {
      const name = `${objectLabel(result)} (${sourceLabel(result.source)})`
      const denials = result.decision.denials
      const others = [
        ...result.decision.violations.filter((violation) => !denials.includes(violation)).map((violation) => `${actionLabel(violation, mode)}: ${formatViolation(violation)}`),
        ...result.decision.changes.map((change) => `${changeLabel(change, mode)}: [${change.ruleId}] ${change.message}`)
      ]
      if (denials.length === 0 && others.length === 0) {
        lines.push(`    <testcase classname="${xml(file)}" name="${xml(name)}"/>`)
        continue
      }
      lines.push(`    <testcase classname="${xml(file)}" name="${xml(name)}">`)
      if (denials.length > 0) {
        const first = denials[0] as Violation
        lines.push(`      <failure type="${xml(first.ruleId)}" message="${xml(formatViolation(first))}">${xml(denials.map(formatViolation).join('\n'))}</failure>`)
      }
      if (others.length > 0) lines.push(`      <system-out>${xml(others.join('\n'))}</system-out>`)
      lines.push('    </testcase>')
    }
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>')
  return `${lines.join('\n')}\n`
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/** Escapes text for an XML attribute or element; drops characters XML 1.0 cannot carry at all. */
function xml (text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char)
}
