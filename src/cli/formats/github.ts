import { findingsOf, objectLabel, summarize, type Effect, type ReportRenderer } from '../report.ts'

/** The workflow command for each effect: a refusal is an error, a report only a notice. */
const COMMAND: Readonly<Record<Effect, 'error' | 'warning' | 'notice'>> = { deny: 'error', 'would deny': 'warning', warn: 'warning', audit: 'notice' }

/**
 * GitHub Actions workflow commands: one `::error file=...,line=...,col=...,title=...::message`
 * per finding, which the runner turns into an annotation on that line of the pull request, then
 * the summary line as plain log output.
 */
export const renderGithub: ReportRenderer = (report) => {
  const lines: string[] = []
  for (const object of report.objects) {
    for (const row of findingsOf(object, report)) {
      const properties = [
        `file=${escapeProperty(object.source.file)}`,
        `line=${row.position.line}`,
        `col=${row.position.column}`,
        `title=${escapeProperty(`${row.ruleId} ${objectLabel(object)}`)}`
      ].join(',')
      const message = `${row.violation.message}; ${row.violation.fix}${row.detail === undefined ? '' : ` (detail: ${row.detail})`}`
      lines.push(`::${COMMAND[row.effect]} ${properties}::${escapeData(message)}`)
    }
  }
  const summary = summarize(report)
  lines.push(`netguard check: ${summary.objects} objects, ${summary.denied} denied, ${summary.warned} with warnings, ` +
    `${summary.allowed} allowed, ${summary.skipped} skipped (mode ${report.mode})`)
  return `${lines.join('\n')}\n`
}

/** A command's message: `%`, CR and LF are escaped, as the runner unescapes them (actions/toolkit). */
export function escapeData (text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
}

/** A property value: also `:` and `,`, which end a value. */
export function escapeProperty (text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C')
}
