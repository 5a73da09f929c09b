import { createHash } from 'node:crypto'
import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'
import { RULES } from '../../engine/rules/index.ts'
import type { Action } from '../../engine/types.ts'
import { findingsOf, objectLabel, type Effect, type FindingRow, type ReportRenderer } from '../report.ts'
import { SCHEMA_RULE } from '../schema-check.ts'

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'

/** What each finding does, as SARIF levels: refused is an error, reported only is a note. */
const LEVEL: Readonly<Record<Effect, 'error' | 'warning' | 'note'>> = { deny: 'error', 'would deny': 'warning', warn: 'warning', audit: 'note' }
const DEFAULT_LEVEL: Readonly<Record<Action, 'error' | 'warning' | 'note' | 'none'>> = { deny: 'error', warn: 'warning', audit: 'note', off: 'none' }

/** The rules a run can report: the catalog, then the manifest's own checks. */
const DESCRIPTORS = [
  ...RULES.map((rule) => ({ id: rule.id, summary: rule.summary, level: rule.type === 'validate' ? DEFAULT_LEVEL[rule.defaultAction] : 'note' as const })),
  { id: SCHEMA_RULE.id, summary: SCHEMA_RULE.summary, level: 'warning' as const }
]

/**
 * SARIF 2.1.0, as GitHub code scanning and GitLab read it: one run, the rules it reported with
 * their descriptions, one result per finding with its file, line and column, and a fingerprint
 * from the finding's identity (rule, object, field path, code) so that a finding keeps its
 * alert from one commit to the next. Skipped documents are notifications of the invocation.
 */
export const renderSarif: ReportRenderer = (report) => {
  const rows = report.objects.flatMap((object) => findingsOf(object, report).map((row) => ({ object, row })))
  const used = new Set(rows.map(({ row }) => row.ruleId))
  const rules = DESCRIPTORS.filter((rule) => used.has(rule.id))
  const index = new Map(rules.map((rule, position) => [rule.id, position]))
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'netguard',
          version: report.version,
          semanticVersion: report.version,
          rules: rules.map((rule) => ({
            id: rule.id,
            shortDescription: { text: rule.summary },
            help: { text: `See docs/rules/ in netguard for ${rule.id}: what it checks, its settings and how to fix a finding.` },
            defaultConfiguration: { level: rule.level }
          }))
        }
      },
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: report.skipped.map((input) => ({
          level: 'note',
          message: { text: `skipped: ${input.reason}` },
          locations: [location(input.file, { line: input.line ?? 1, column: 1 })]
        }))
      }],
      results: rows.map(({ object, row }) => ({
        ruleId: row.ruleId,
        ruleIndex: index.get(row.ruleId),
        level: LEVEL[row.effect],
        kind: 'fail',
        message: { text: `${objectLabel(object)}: ${row.violation.message}; ${row.violation.fix}${row.detail === undefined ? '' : ` (detail: ${row.detail})`}` },
        locations: [location(object.source.file, row.position)],
        partialFingerprints: { 'netguardFinding/v1': fingerprint(objectLabel(object), row) },
        properties: { effect: row.effect, path: row.violation.path, ...(row.violation.code === undefined ? {} : { code: row.violation.code }) }
      }))
    }]
  }
  return `${JSON.stringify(sarif, null, 2)}\n`
}

function location (file: string, position: { line: number, column: number }): unknown {
  return {
    physicalLocation: {
      artifactLocation: isAbsolute(file) ? { uri: pathToFileURL(file).href } : { uri: encodeURI(file.replaceAll('\\', '/')), uriBaseId: '%SRCROOT%' },
      region: { startLine: position.line, startColumn: position.column }
    }
  }
}

function fingerprint (object: string, row: FindingRow): string {
  return createHash('sha256').update([row.ruleId, object, row.violation.path, row.violation.code ?? ''].join('\u0000')).digest('hex')
}
