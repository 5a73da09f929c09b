import type { GlobSet } from './glob.ts'
import type { LabelMatcher } from './label-selector.ts'
import type { Exemptions, MutationRule, SharedSettings, ValidationRule } from './rule.ts'
import type { Action, Mode, MutationAction } from './types.ts'

export type { Exemptions }

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
  /** The policy document that configures the rule (its metadata.name, else its file's name); undefined: defaults. */
  readonly policy?: string
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
