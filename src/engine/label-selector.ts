import type { LabelSelector } from '../kube/types.ts'
import { typeName } from './read.ts'

// metav1.LabelSelector, once for every reader: the policy's own selectors (exemptions,
// exceptions), the selectors of objects under review (NetworkPolicy peers, EgressIP), and the
// lookups that match them against cluster state (namespace labels, pod templates).

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
export const OPERATORS: readonly Operator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist']

/** One requirement; `matchLabels` entries are `In` with one value. */
export interface Requirement {
  readonly key: string
  readonly operator: Operator
  readonly values: readonly string[]
}

/** Labels as objects carry them; a value that is not a string counts as absent. */
export type Labels = Readonly<Record<string, unknown>>

/** A selector read and compiled: its requirements (AND-ed) and the test they make. */
export interface LabelMatcher {
  readonly requirements: readonly Requirement[]
  /** Whether labels satisfy every requirement; `undefined` labels satisfy only requirements that need none. */
  matches (labels: Labels | undefined): boolean
}

/** What is wrong with a selector, at its field: the API server would refuse it. */
export interface SelectorProblem {
  readonly path: string
  readonly message: string
}

/** The label every namespace carries with its own name (set by the API server, not removable). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name'

/** A selector that selects everything: `{}`. */
export const EVERYTHING: LabelMatcher = compileRequirements([])

/** A selector that selects nothing (what a selector the API server would refuse selects here). */
const NOTHING: LabelMatcher = { requirements: [], matches: () => false }

/**
 * Reads a metav1.LabelSelector from untrusted JSON as the API server reads it: every
 * `matchLabels` pair and every `matchExpressions` requirement must hold; an empty (or absent)
 * selector selects everything. What the API server would refuse (a value that is not a string,
 * an unknown operator, In without values, Exists with values) comes back as problems at `path`,
 * and such a selector selects nothing. Never throws.
 */
export function readLabelSelector (value: unknown, path: string): { readonly selector: LabelMatcher, readonly problems: readonly SelectorProblem[] } {
  if (value === undefined || value === null) return { selector: EVERYTHING, problems: [] }
  if (typeof value !== 'object' || Array.isArray(value)) return failed(path, `${path} is ${typeName(value)}; expected a label selector object`)
  const { matchLabels, matchExpressions } = value as { matchLabels?: unknown, matchExpressions?: unknown }
  const requirements: Requirement[] = []
  const problems: SelectorProblem[] = []
  if (matchLabels !== undefined && matchLabels !== null) {
    if (typeof matchLabels !== 'object' || Array.isArray(matchLabels)) {
      problems.push({ path: `${path}.matchLabels`, message: `${path}.matchLabels is ${typeName(matchLabels)}; expected an object of label values` })
    } else {
      for (const [key, label] of Object.entries(matchLabels)) {
        if (typeof label === 'string') requirements.push({ key, operator: 'In', values: [label] })
        else problems.push({ path: `${path}.matchLabels["${key}"]`, message: `${path}.matchLabels["${key}"] is ${typeName(label)}; expected a string` })
      }
    }
  }
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) {
      problems.push({ path: `${path}.matchExpressions`, message: `${path}.matchExpressions is ${typeName(matchExpressions)}; expected a list` })
    } else {
      for (const [index, entry] of matchExpressions.entries()) {
        const read = readRequirement(entry, `${path}.matchExpressions[${index}]`)
        if ('problem' in read) problems.push(read.problem)
        else requirements.push(read.requirement)
      }
    }
  }
  return problems.length > 0 ? { selector: NOTHING, problems } : { selector: compileRequirements(requirements), problems }
}

function readRequirement (value: unknown, path: string): { readonly requirement: Requirement } | { readonly problem: SelectorProblem } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: { path, message: `${path} is ${typeName(value)}; expected {key, operator, values}` } }
  }
  const { key, operator, values } = value as { key?: unknown, operator?: unknown, values?: unknown }
  if (typeof key !== 'string' || key === '') return { problem: { path: `${path}.key`, message: `${path}.key is ${typeName(key)}; expected a label key` } }
  if (!OPERATORS.includes(operator as Operator)) {
    return { problem: { path: `${path}.operator`, message: `${path}.operator ${JSON.stringify(operator) ?? 'undefined'} is not one of ${OPERATORS.join(', ')}` } }
  }
  const list = values === undefined || values === null ? [] : values
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    return { problem: { path: `${path}.values`, message: `${path}.values is ${typeName(values)}; expected a list of strings` } }
  }
  const problem = operatorProblem(operator as Operator, list.length)
  if (problem !== undefined) return { problem: { path: `${path}.values`, message: `${path}.values: ${operator as string} ${problem}` } }
  return { requirement: { key, operator: operator as Operator, values: list as string[] } }
}

/** In and NotIn need values; Exists and DoesNotExist take none. */
function operatorProblem (operator: Operator, count: number): string | undefined {
  const wantsValues = operator === 'In' || operator === 'NotIn'
  if (wantsValues && count === 0) return 'needs at least one value'
  if (!wantsValues && count > 0) return 'takes no values'
  return undefined
}

/** A selector from requirements already known to be well-formed (a policy the schema checked). */
export function compileRequirements (requirements: readonly Requirement[]): LabelMatcher {
  const tests = requirements.map(requirementTest)
  return { requirements, matches: (labels) => tests.every((test) => test(labels)) }
}

/**
 * A selector written in a policy (its shape already checked by the policy schema): the matcher,
 * or what is wrong with an expression, with its path inside the selector.
 */
export function compileLabelSelector (selector: LabelSelector): LabelMatcher | { readonly problem: string, readonly path: (string | number)[] } {
  const requirements: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, operator: 'In', values: [value] }))
  for (const [index, { key = '', operator = '', values = [] }] of (selector.matchExpressions ?? []).entries()) {
    if (!OPERATORS.includes(operator as Operator)) return { problem: `${operator === '' ? 'a missing operator' : operator} is not an operator`, path: ['matchExpressions', index, 'operator'] }
    const problem = operatorProblem(operator as Operator, values.length)
    if (problem !== undefined) return { problem: `${operator} ${problem}`, path: ['matchExpressions', index, 'values'] }
    requirements.push({ key, operator: operator as Operator, values })
  }
  return compileRequirements(requirements)
}

function requirementTest ({ key, operator, values }: Requirement): (labels: Labels | undefined) => boolean {
  const set = new Set(values)
  const valueOf = (labels: Labels | undefined): string | undefined => {
    const value = labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined
    return typeof value === 'string' ? value : undefined
  }
  switch (operator) {
    case 'In': return (labels) => { const value = valueOf(labels); return value !== undefined && set.has(value) }
    case 'NotIn': return (labels) => { const value = valueOf(labels); return value === undefined || !set.has(value) }
    case 'Exists': return (labels) => valueOf(labels) !== undefined
    case 'DoesNotExist': return (labels) => valueOf(labels) === undefined
  }
}

/** The label keys a selector reads: whoever sets them decides what it selects. */
export function selectorKeys (selector: LabelMatcher): ReadonlySet<string> {
  return new Set(selector.requirements.map((requirement) => requirement.key))
}

/** True for a well-formed selector with no requirement: it selects everything. */
export function isEmptySelector (selector: LabelMatcher): boolean {
  return selector !== NOTHING && selector.requirements.length === 0
}

/**
 * Whether a selector asks for a label (In or Exists on some key). One that only excludes
 * (NotIn, DoesNotExist) takes in everything else, including what is labelled later.
 */
export function asksForLabel (selector: LabelMatcher): boolean {
  return selector.requirements.some((requirement) => requirement.operator === 'In' || requirement.operator === 'Exists')
}

/**
 * A canonical form of a selector as written, for comparison: the same requirements in any
 * order, and matchLabels pairs written as one-value In expressions, give the same text. A
 * selector that cannot be read compares as itself.
 */
export function canonicalSelector (value: unknown): string {
  const { selector, problems } = readLabelSelector(value, '')
  if (problems.length > 0) return JSON.stringify({ unreadable: value })
  return JSON.stringify(selector.requirements
    .map(({ key, operator, values }) => [key, operator, [...new Set(values)].sort()] as const)
    .sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b))))
}

/**
 * What a namespace selector selects, judged by its meaning rather than its spelling. Every
 * namespace carries `kubernetes.io/metadata.name` with its own name; any other label may or may
 * not be on a namespace, and tenants may be able to set it, so:
 * - `every`: every namespace (`{}`, or `kubernetes.io/metadata.name` Exists);
 * - `allBut`: every namespace except the named ones (`kubernetes.io/metadata.name` NotIn);
 * - `unless`: every namespace that lacks some label or value (only NotIn / DoesNotExist on
 *   other keys): open-ended, it takes in the platform's namespaces and every one created later;
 * - `named`: the namespaces it names, at most;
 * - `labelled`: the namespaces that carry a label it asks for;
 * - `nothing`: no namespace (`kubernetes.io/metadata.name` DoesNotExist, or a contradiction).
 */
export type NamespaceReach =
  | { readonly kind: 'every' }
  | { readonly kind: 'allBut', readonly names: readonly string[] }
  | { readonly kind: 'unless', readonly names: readonly string[], readonly labels: readonly Requirement[] }
  | { readonly kind: 'named', readonly names: readonly string[] }
  | { readonly kind: 'labelled' }
  | { readonly kind: 'nothing' }

export function namespaceReach (selector: LabelMatcher): NamespaceReach {
  let allowed: Set<string> | undefined
  const excluded = new Set<string>()
  const negatives: Requirement[] = []
  let positive = false
  const present = new Set<string>()
  const absent = new Set<string>()
  for (const requirement of selector.requirements) {
    const { key, operator, values } = requirement
    if (key === NAMESPACE_NAME_LABEL) {
      if (operator === 'DoesNotExist') return { kind: 'nothing' }
      if (operator === 'In') allowed = allowed === undefined ? new Set(values) : new Set(values.filter((name) => allowed?.has(name)))
      if (operator === 'NotIn') for (const name of values) excluded.add(name)
      continue
    }
    if (operator === 'In' || operator === 'Exists') {
      positive = true
      present.add(key)
    } else {
      negatives.push(requirement)
      if (operator === 'DoesNotExist') absent.add(key)
    }
  }
  if ([...present].some((key) => absent.has(key))) return { kind: 'nothing' }
  if (allowed !== undefined) {
    const names = [...allowed].filter((name) => !excluded.has(name)).sort()
    return names.length === 0 ? { kind: 'nothing' } : { kind: 'named', names }
  }
  if (positive) return { kind: 'labelled' }
  const names = [...excluded].sort()
  if (negatives.length > 0) return { kind: 'unless', names, labels: negatives }
  return names.length > 0 ? { kind: 'allBut', names } : { kind: 'every' }
}

/** True when the reach takes in namespaces nobody chose: every one, all but some, or all unlabelled. */
export function isOpenEnded (reach: NamespaceReach): boolean {
  return reach.kind === 'every' || reach.kind === 'allBut' || reach.kind === 'unless'
}

/** `every namespace`, `every namespace but a, b`, `every namespace without tier=platform`, for messages. */
export function describeReach (reach: NamespaceReach): string {
  switch (reach.kind) {
    case 'every': return 'every namespace'
    case 'allBut': return `every namespace but ${list(reach.names)}`
    case 'unless': {
      const but = reach.names.length > 0 ? ` and but ${list(reach.names)}` : ''
      return `every namespace ${reach.labels.map(describeNegative).join(' and ')}${but}`
    }
    case 'named': return `the namespaces ${list(reach.names)}`
    case 'labelled': return 'the namespaces carrying its labels'
    case 'nothing': return 'no namespace'
  }
}

function describeNegative ({ key, operator, values }: Requirement): string {
  return operator === 'DoesNotExist' ? `without the label ${key}` : `without ${key}=${values.join('|')}`
}

function list (names: readonly string[]): string {
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ')
}

function failed (path: string, message: string): { readonly selector: LabelMatcher, readonly problems: readonly SelectorProblem[] } {
  return { selector: NOTHING, problems: [{ path, message }] }
}
