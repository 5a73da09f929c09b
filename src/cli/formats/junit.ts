import { changeLabel, changesOf, findingsOf, findingText, objectLabel, skippedLabel, sourceLabel, summarize, type CheckedObject, type ReportRenderer } from '../report.ts'
import type { SkippedInput } from '../manifests.ts'

/**
 * JUnit XML as CI systems read it: one test suite per file, one test case per object (with the
 * file and line attributes GitHub and GitLab test reporters link to); a denied object is a
 * failure whose text lists its denials; a skipped object or document is a skipped case; other
 * findings and patches go to the case's system-out.
 */
export const renderJunit: ReportRenderer = (report) => {
  const byFile = new Map<string, { objects: CheckedObject[], skipped: SkippedInput[] }>()
  const entry = (file: string): { objects: CheckedObject[], skipped: SkippedInput[] } => {
    let found = byFile.get(file)
    if (found === undefined) byFile.set(file, found = { objects: [], skipped: [] })
    return found
  }
  for (const object of report.objects) entry(object.source.file).objects.push(object)
  for (const input of report.skipped) entry(input.file).skipped.push(input)
  const summary = summarize(report)
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="netguard check" tests="${summary.objects + summary.skippedDocuments}" failures="${summary.denied}" errors="0" skipped="${summary.skipped + summary.skippedDocuments}">`
  ]
  for (const [file, { objects, skipped }] of byFile) {
    const failures = objects.filter((object) => object.verdict === 'deny').length
    const skips = objects.filter((object) => object.verdict === 'skip').length + skipped.length
    lines.push(`  <testsuite name="${xml(file)}" tests="${objects.length + skipped.length}" failures="${failures}" errors="0" skipped="${skips}">`)
    for (const object of objects) {
      const caseOpen = `<testcase classname="${xml(file)}" name="${xml(`${objectLabel(object)} (${sourceLabel(object.source)})`)}" file="${xml(file)}"` +
        `${object.source.line === undefined ? '' : ` line="${object.source.line}"`}`
      const findings = findingsOf(object, report)
      const denials = findings.filter((row) => row.effect === 'deny')
      const others = [
        ...findings.filter((row) => row.effect !== 'deny').map((row) => `${row.effect}: ${findingText(row)}`),
        ...changesOf(object).map((change) => `${changeLabel(change, report.mode)}: [${change.ruleId}] ${change.message}`)
      ]
      if (denials.length === 0 && others.length === 0 && object.verdict !== 'skip') {
        lines.push(`    ${caseOpen}/>`)
        continue
      }
      lines.push(`    ${caseOpen}>`)
      const [first] = denials
      if (first !== undefined) {
        lines.push(`      <failure type="${xml(first.ruleId)}" message="${xml(findingText(first))}">${xml(denials.map((row) => `${findingText(row)} (line ${row.position.line})`).join('\n'))}</failure>`)
      }
      if (object.verdict === 'skip') lines.push(`      <skipped message="${xml(object.skipReason ?? 'no rule looked')}"/>`)
      if (others.length > 0) lines.push(`      <system-out>${xml(others.join('\n'))}</system-out>`)
      lines.push('    </testcase>')
    }
    for (const input of skipped) {
      lines.push(`    <testcase classname="${xml(file)}" name="${xml(skippedLabel(input))}" file="${xml(file)}"${input.line === undefined ? '' : ` line="${input.line}"`}>`)
      lines.push(`      <skipped message="${xml(input.reason)}"/>`)
      lines.push('    </testcase>')
    }
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>')
  return `${lines.join('\n')}\n`
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/** Escapes text for an XML attribute or element; drops characters XML 1.0 cannot carry at all. */
export function xml (text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char)
}
