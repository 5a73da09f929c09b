import type { Change, Mode, Violation } from './types.ts'

/** What a front does with an evaluation: the verdict, what to tell the client and what to record. */
export interface Decision {
  readonly allowed: boolean
  readonly mode: Mode
  /** Violations that block the request (empty in audit mode). */
  readonly denials: readonly Violation[]
  /** One line per finding the client should see, without newlines. */
  readonly warnings: readonly string[]
  /** Keys without `/` (the API server prefixes them with the webhook name). */
  readonly auditAnnotations: Readonly<Record<string, string>>
  /** Whether the mutated object should be sent back as a patch. */
  readonly patch: boolean
  readonly violations: readonly Violation[]
  readonly changes: readonly Change[]
}

/** Warnings longer than this are cut; the API server truncates at 256 characters anyway. */
const WARNING_LIMIT = 250
const PREFERRED_WARNING_LENGTH = 120

/**
 * Applies the actions and the global mode to what the rules found. Rules know nothing of audit
 * mode: here `deny` becomes a warning and a patch becomes a report when the mode is `audit`.
 */
export function decide (violations: readonly Violation[], changes: readonly Change[], mode: Mode): Decision {
  const enforcing = mode === 'enforce'
  const denials = enforcing ? violations.filter((violation) => violation.action === 'deny') : []
  const warnings: string[] = []
  for (const violation of violations) {
    if (violation.action === 'warn') warnings.push(warningLine(violation))
    else if (violation.action === 'deny' && !enforcing) warnings.push(warningLine(violation, 'audit mode, would deny'))
  }
  for (const change of changes) {
    if (change.action === 'mutate' && !enforcing) warnings.push(oneLine(`[${change.ruleId}] (audit mode, would patch) ${change.message}`))
  }
  const auditAnnotations: Record<string, string> = {}
  if (violations.length > 0 || changes.length > 0) {
    auditAnnotations.mode = mode
    if (violations.length > 0) {
      // The admin-only detail (who holds a host or range) goes here and to the log, never to the client.
      auditAnnotations.violations = JSON.stringify(violations.map(({ ruleId, action, path, detail }) =>
        ({ rule: ruleId, action, field: path, ...(detail === undefined ? {} : { detail }) })))
    }
    if (changes.length > 0) {
      auditAnnotations.mutations = JSON.stringify(changes.map(({ ruleId, action }) => ({ rule: ruleId, action: enforcing ? action : 'audit' })))
    }
  }
  return {
    allowed: denials.length === 0,
    mode,
    denials,
    warnings,
    auditAnnotations,
    patch: enforcing && changes.some((change) => change.action === 'mutate'),
    violations,
    changes
  }
}

/** `[RULE-ID] message; fix`: the form used in deny messages, warnings and reports. */
export function formatViolation (violation: Violation): string {
  return `[${violation.ruleId}] ${violation.message}; ${violation.fix}`
}

/** The deny message: every blocking violation, one per line. */
export function denyMessage (denials: readonly Violation[]): string {
  return denials.map(formatViolation).join('\n')
}

function warningLine (violation: Violation, note?: string): string {
  const head = `[${violation.ruleId}]${note === undefined ? '' : ` (${note})`} ${violation.message}`
  const full = `${head}; ${violation.fix}`
  return oneLine(full.length <= PREFERRED_WARNING_LENGTH ? full : head)
}

function oneLine (text: string): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ')
  return flat.length <= WARNING_LIMIT ? flat : `${flat.slice(0, WARNING_LIMIT - 1)}…`
}
