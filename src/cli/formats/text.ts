import { changeLabel, changesOf, findingsOf, findingText, objectLabel, skippedLabel, sourceLabel, summarize, type CheckedObject, type ReportRenderer } from '../report.ts'

const VERDICT_LABEL = { deny: 'DENY ', warn: 'WARN ', allow: 'PASS ', skip: 'SKIP ' } as const

/**
 * One line per object (verdict, kind, namespace/name, where it was read), then one indented
 * line per finding and per patch; skipped documents; a summary line. Quiet leaves out objects
 * and documents with nothing to say.
 */
export const renderText: ReportRenderer = (report, options) => {
  const lines: string[] = []
  const quiet = options.quiet === true
  for (const object of report.objects) {
    const findings = findingsOf(object, report)
    const changes = changesOf(object)
    if (quiet && (object.verdict === 'skip' || (object.verdict === 'allow' && findings.length === 0 && changes.length === 0))) continue
    lines.push(`${VERDICT_LABEL[object.verdict]} ${objectLabel(object)} (${sourceLabel(object.source)})${skipNote(object)}`)
    for (const row of findings) lines.push(`  ${row.effect}: ${findingText(row)}`)
    for (const change of changes) lines.push(`  ${changeLabel(change, report.mode)}: [${change.ruleId}] ${change.message}`)
  }
  if (!quiet) for (const input of report.skipped) lines.push(`SKIP  ${skippedLabel(input)}: ${input.reason}`)
  const summary = summarize(report)
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`
  const documents = summary.skippedDocuments === 0 ? '' : `; ${plural(summary.skippedDocuments, 'document')} skipped, not Kubernetes objects`
  lines.push('', `${plural(summary.objects, 'object')} in ${plural(summary.files, 'file')}: ${summary.denied} denied, ` +
    `${summary.warned} with warnings, ${summary.allowed} allowed, ${summary.skipped} skipped (mode ${report.mode})${documents}`)
  return `${lines.join('\n')}\n`
}

function skipNote (object: CheckedObject): string {
  return object.skipReason === undefined ? '' : `: ${object.skipReason}`
}
