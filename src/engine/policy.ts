import type { GlobSet } from './glob.ts'
import type { LabelMatcher } from './label-selector.ts'
import type { MutationRule, ValidationRule } from './rule.ts'
import type { Action, Mode, MutationAction } from './types.ts'

/** A policy after load: validated, merged across files, compiled and frozen. */
export interface CompiledPolicy {
  readonly mode: Mode
  /** On UPDATE, a deny the old object already had only warns: a change never has to fix old debt. */
  readonly allowExistingViolations: boolean
  readonly exemptions: Exemptions
  readonly exceptions: readonly CompiledException[]
  /** Rules to run, keyed by `kindKey` of the object kind, in catalog order. */
  readonly validations: ReadonlyMap<string, readonly ConfiguredRule<ValidationRule, Action>[]>
  readonly mutations: ReadonlyMap<string, readonly ConfiguredRule<MutationRule, MutationAction>[]>
  /** Policy-level settings that rules and the reconciler share. */
  readonly shared: SharedSettings
  /** Files the policy was read from. */
  readonly sources: readonly string[]
}

export interface ConfiguredRule<R, A> {
  readonly rule: R
  readonly action: A
  readonly settings: unknown
}

export interface Exemptions {
  readonly namespaces: GlobSet
  readonly users: GlobSet
  readonly groups: GlobSet
  /** Namespaces whose labels match any of these are exempt too (labels come from ReviewContext.cluster). */
  readonly namespaceSelectors: readonly LabelMatcher[]
}

export interface CompiledException {
  readonly name: string
  readonly rules: ReadonlySet<string>
  readonly namespaces: GlobSet
  /** When set, the namespace must also carry matching labels. */
  readonly namespaceSelector: LabelMatcher | undefined
  readonly reason: string
  /** First instant at which the exception no longer applies. */
  readonly expiresAt: Date | undefined
}

/** Settings outside any one rule, passed to every rule's `compile` and read by the reconciler. */
export interface SharedSettings {
  readonly isolation: IsolationSettings
  /** The policy's exemptions, for the rules that guard what they rest on (NS-RESERVED-LABELS, NS-EXEMPT-NAME). */
  readonly exemptions: Exemptions
  /** The exceptions' namespace selectors: their label keys decide where an exception applies. */
  readonly exceptionSelectors: readonly LabelMatcher[]
}

/** Which namespaces are isolated, and the NetworkPolicies the reconciler keeps in each. */
export interface IsolationSettings {
  /** Namespaces labelled `label: value` are isolated; NS-ISOLATION labels new namespaces so. */
  readonly label: string
  readonly value: string
  readonly networkPolicies: readonly ManagedNetworkPolicy[]
}

/** One NetworkPolicy netguard owns: its name, extra labels, and its spec as declared. */
export interface ManagedNetworkPolicy {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly spec: Readonly<Record<string, unknown>>
}
