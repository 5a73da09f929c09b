import { basename } from 'node:path'
import { compileGlobs } from '../engine/glob.ts'
import { compileLabelSelector, type LabelMatcher } from '../engine/label-selector.ts'
import type { CompiledException, CompiledPolicy, ConfiguredRule } from '../engine/policy.ts'
import { RULES } from '../engine/rules/index.ts'
import { SettingError, type IsolationSettings, type MutationRule, type Rule, type ValidationRule } from '../engine/rule.ts'
import { kindKey } from '../kube/types.ts'
import type { Action, Mode, MutationAction } from '../engine/types.ts'
import { PolicyInvalidError } from '../errors.ts'
import { formatPath, formatProblem, type SourceDocument, type SourceProblem } from './parse.ts'
import { compileIsolation, DEFAULT_ISOLATION } from './isolation.ts'
import { PolicyDocumentSchema, type PolicyDocument } from './schema.ts'
import { schemaProblems } from './schema-problems.ts'

export interface CompileOptions {
  /** netguard's own namespace: always exempt, so netguard can never lock itself out. @default 'netguard' */
  readonly ownNamespace?: string
}

/** Namespaces exempt when no policy document names any. */
export const DEFAULT_EXEMPT_NAMESPACES: readonly string[] = ['kube-*', 'openshift-*']

type RuleEntry = { readonly action?: string } & Record<string, unknown>
interface Located<T> { readonly value: T, readonly document: SourceDocument }

/**
 * Validates every document, merges them into one policy and compiles it. Documents add up:
 * exemptions and exceptions are joined, and each rule may be configured by one document only.
 * Throws NG_ERR_POLICY_INVALID listing every problem with its file, line and field.
 */
export function compilePolicy (documents: readonly SourceDocument[], options: CompileOptions = {}): CompiledPolicy {
  const problems: SourceProblem[] = []
  const valid: Located<PolicyDocument>[] = []
  for (const document of documents) {
    const found = schemaProblems(PolicyDocumentSchema, document)
    if (found.length > 0) problems.push(...found)
    else valid.push({ value: document.value as PolicyDocument, document })
  }
  if (documents.length === 0) problems.push({ file: '(policies)', line: 0, field: '', message: 'no policy documents found' })
  const policy = problems.length === 0 ? merge(valid, options, problems) : undefined
  if (policy === undefined || problems.length > 0) {
    const ordered = [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
    throw new PolicyInvalidError(ordered.map(formatProblem).join('\n'))
  }
  return policy
}

function merge (documents: readonly Located<PolicyDocument>[], options: CompileOptions, problems: SourceProblem[]): CompiledPolicy {
  const problem = (document: SourceDocument, path: (string | number)[], message: string): void => {
    problems.push({ file: document.file, line: document.lineOf(path), field: formatPath(path), message })
  }

  // Scalars that several documents may set, as long as they agree.
  const agreed = <T>(field: string, earlier: Located<T> | undefined, value: T | undefined, document: SourceDocument): Located<T> | undefined => {
    if (value === undefined) return earlier
    if (earlier !== undefined && earlier.value !== value) {
      problem(document, ['spec', field], `conflicts with ${field} ${JSON.stringify(earlier.value)} set in ${earlier.document.file}`)
    }
    return earlier ?? { value, document }
  }
  let mode: Located<Mode> | undefined
  let existing: Located<boolean> | undefined
  const exempt = { namespaces: [] as string[], users: [] as string[], groups: [] as string[] }
  let namespacesNamed = false
  const exceptions: CompiledException[] = []
  const entries = new Map<string, Located<RuleEntry>>()
  const exemptSelectors: LabelMatcher[] = []
  let isolation: Located<IsolationSettings> | undefined
  const selector = (document: SourceDocument, path: (string | number)[], value: Parameters<typeof compileLabelSelector>[0] | undefined): LabelMatcher | undefined => {
    if (value === undefined) return undefined
    const compiled = compileLabelSelector(value)
    if ('matches' in compiled) return compiled
    problem(document, [...path, ...compiled.path], compiled.problem)
    return undefined
  }

  for (const { value: { spec }, document } of documents) {
    mode = agreed('mode', mode, spec.mode, document)
    existing = agreed('allowExistingViolations', existing, spec.allowExistingViolations, document)
    if (spec.exemptions?.namespaces !== undefined) namespacesNamed = true
    exempt.namespaces.push(...spec.exemptions?.namespaces ?? [])
    exempt.users.push(...spec.exemptions?.users ?? [])
    exempt.groups.push(...spec.exemptions?.groups ?? [])
    const exemptSelector = selector(document, ['spec', 'exemptions', 'namespaceSelector'], spec.exemptions?.namespaceSelector)
    if (exemptSelector !== undefined) exemptSelectors.push(exemptSelector)
    if (spec.isolation !== undefined) {
      if (isolation !== undefined) {
        problem(document, ['spec', 'isolation'], `isolation is already configured in ${isolation.document.file}; configure it in one place`)
      }
      const compiled = compileIsolation(spec.isolation)
      if ('problem' in compiled) problem(document, ['spec', 'isolation', ...compiled.path], compiled.problem)
      else isolation ??= { value: compiled, document }
    }
    for (const [index, exception] of (spec.exceptions ?? []).entries()) {
      if (exceptions.some((known) => known.name === exception.name)) {
        problem(document, ['spec', 'exceptions', index, 'name'], `duplicate exception name "${exception.name}"`)
      }
      const expiresAt = expiryOf(exception.expires)
      if (expiresAt === null) {
        problem(document, ['spec', 'exceptions', index, 'expires'], `"${exception.expires ?? ''}" is not a real date`)
      }
      exceptions.push({
        name: exception.name,
        rules: new Set(exception.rules),
        namespaces: compileGlobs(exception.namespaces ?? ['*']),
        namespaceSelector: selector(document, ['spec', 'exceptions', index, 'namespaceSelector'], exception.namespaceSelector),
        reason: exception.reason,
        expiresAt: expiresAt ?? undefined
      })
    }
    for (const [id, entry] of Object.entries(spec.rules ?? {})) {
      const earlier = entries.get(id)
      if (earlier !== undefined) {
        problem(document, ['spec', 'rules', id], `rule ${id} is already configured in ${earlier.document.file}; configure each rule in one place`)
      }
      entries.set(id, { value: entry as RuleEntry, document })
    }
  }

  const ownNamespace = options.ownNamespace ?? 'netguard'
  const namespaces = [...(namespacesNamed ? exempt.namespaces : DEFAULT_EXEMPT_NAMESPACES), ownNamespace]
  // netguard's own service accounts (the reconciler among them) must never be blocked by netguard.
  const users = [...exempt.users, `system:serviceaccount:${ownNamespace}:*`]
  const exemptions = {
    namespaces: compileGlobs(namespaces),
    users: compileGlobs(users),
    groups: compileGlobs(exempt.groups),
    namespaceSelectors: exemptSelectors
  }
  const exceptionSelectors = exceptions.flatMap((exception) => exception.namespaceSelector ?? [])
  const shared = { isolation: isolation?.value ?? DEFAULT_ISOLATION, exemptions, exceptionSelectors }
  const validations = new Map<string, ConfiguredRule<ValidationRule, Action>[]>()
  const mutations = new Map<string, ConfiguredRule<MutationRule, MutationAction>[]>()
  for (const rule of RULES) {
    const entry = entries.get(rule.id)
    const { action, ...overrides } = entry?.value ?? {}
    const inherited = inheritedSettings(rule, entries)
    let settings: unknown
    try {
      settings = rule.compile({ ...rule.defaults, ...inherited, ...overrides }, shared)
    } catch (error) {
      if (!(error instanceof SettingError)) throw error
      const setting = error.path[0]
      // A bad inherited value is reported once, by the rule it is configured in.
      if (typeof setting === 'string' && setting in inherited && !(setting in overrides)) continue
      if (entry === undefined) throw error
      problem(entry.document, ['spec', 'rules', rule.id, ...error.path], error.message)
      continue
    }
    const policy = entry === undefined ? undefined : documentName(entry.document)
    for (const kind of rule.kinds) {
      if (rule.type === 'validate') {
        append(validations, kindKey(kind), { rule, action: (action ?? rule.defaultAction) as Action, settings, policy })
      } else {
        append(mutations, kindKey(kind), { rule, action: (action ?? rule.defaultAction) as MutationAction, settings, policy })
      }
    }
  }

  return deepFreeze({
    mode: mode?.value ?? 'enforce',
    allowExistingViolations: existing?.value ?? true,
    exemptions,
    exceptions,
    validations,
    mutations,
    shared,
    sources: [...new Set(documents.map(({ document }) => document.file))]
  })
}

/** What reports call a policy document: its metadata.name, else its file's name without the extension. */
function documentName (document: SourceDocument): string {
  return (document.value as PolicyDocument).metadata?.name ?? basename(document.file).replace(/\.(ya?ml|json)$/, '')
}

const RULES_BY_ID = new Map(RULES.map((rule) => [rule.id, rule]))

/** The settings a rule inherits (rule.inherits), as the rules it follows have them in this policy. */
function inheritedSettings (rule: Rule, entries: ReadonlyMap<string, Located<RuleEntry>>): Record<string, unknown> {
  const inherited: Record<string, unknown> = {}
  for (const source of rule.inherits ?? []) {
    const from = RULES_BY_ID.get(source.rule)
    if (from === undefined) throw new Error(`rule ${rule.id} inherits settings from ${source.rule}, which does not exist`)
    const values: Record<string, unknown> = { ...from.defaults, ...entries.get(source.rule)?.value }
    for (const setting of source.settings) {
      if (!(setting in from.settings.properties) || !(setting in rule.settings.properties)) {
        throw new Error(`rule ${rule.id} inherits ${setting} from ${source.rule}, but one of them has no such setting`)
      }
      inherited[setting] = values[setting]
    }
  }
  return inherited
}

function append<T> (map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/**
 * A date alone (`2027-01-31`) means the whole of that day, UTC; a time means that instant.
 * Null for a date that does not exist (`2027-02-30`), which Date would silently roll over.
 */
function expiryOf (text: string | undefined): Date | undefined | null {
  if (text === undefined) return undefined
  const day = new Date(`${text.slice(0, 10)}T00:00:00Z`)
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text.slice(0, 10)) return null
  return text.length === 10 ? new Date(day.getTime() + 24 * 60 * 60 * 1000) : new Date(text)
}

function deepFreeze<T> (value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  if (value instanceof Map) {
    for (const entry of value.values()) deepFreeze(entry)
  } else if (value instanceof Set || value instanceof Date || value instanceof RegExp) {
    return value
  } else {
    for (const entry of Object.values(value)) deepFreeze(entry)
  }
  return Object.freeze(value)
}
