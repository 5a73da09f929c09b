import { changesOf, findingsOf, REPORT_API_VERSION, REPORT_KIND, summarize, type CheckReport, type ReportRenderer } from '../report.ts'

/**
 * The JSON report. Its shape is stable (docs/check.md): fields keep their names and order, new
 * fields are only added, and optional fields are left out rather than set to null.
 */
function jsonReport (report: CheckReport): unknown {
  return {
    apiVersion: REPORT_API_VERSION,
    kind: REPORT_KIND,
    mode: report.mode,
    summary: summarize(report),
    results: report.objects.map((object) => ({
      file: object.source.file,
      document: object.source.document,
      ...(object.source.item === undefined ? {} : { item: object.source.item }),
      ...(object.source.line === undefined ? {} : { line: object.source.line }),
      apiVersion: object.apiVersion,
      kind: object.kind,
      ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
      name: object.name,
      operation: object.operation,
      verdict: object.verdict,
      ...(object.skipReason === undefined ? {} : { reason: object.skipReason }),
      violations: findingsOf(object, report).map(({ ruleId, violation, detail, position }) => ({
        rule: ruleId,
        action: violation.action,
        path: violation.path,
        ...(violation.code === undefined ? {} : { code: violation.code }),
        message: violation.message,
        fix: violation.fix,
        ...(detail === undefined ? {} : { detail }),
        line: position.line,
        column: position.column
      })),
      mutations: changesOf(object).map((change) => ({ rule: change.ruleId, action: change.action, message: change.message })),
      rules: object.rules.map((result) => ({
        rule: result.ruleId,
        point: result.point,
        status: result.status,
        ...(result.exception === undefined ? {} : { exception: result.exception }),
        ...(result.exemptBy === undefined ? {} : { exemptBy: result.exemptBy })
      }))
    })),
    skipped: report.skipped.map((input) => ({
      file: input.file,
      ...(input.document === undefined ? {} : { document: input.document }),
      ...(input.line === undefined ? {} : { line: input.line }),
      reason: input.reason
    }))
  }
}

export const renderJson: ReportRenderer = (report) => `${JSON.stringify(jsonReport(report), null, 2)}\n`
