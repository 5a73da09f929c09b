import type { GlobSet } from './glob.ts'
import type { MutationRule, ValidationRule } from './rule.ts'
import type { Action, Mode, MutationAction } from './types.ts'

/** A policy after load: validated, merged across files, compiled and frozen. */
export interface CompiledPolicy {
  readonly mode: Mode
  readonly exemptions: Exemptions
  readonly exceptions: readonly CompiledException[]
  /** Rules to run, keyed by `kindKey` of the object kind, in catalog order. */
  readonly validations: ReadonlyMap<string, readonly ConfiguredRule<ValidationRule, Action>[]>
  readonly mutations: ReadonlyMap<string, readonly ConfiguredRule<MutationRule, MutationAction>[]>
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
}

export interface CompiledException {
  readonly name: string
  readonly rules: ReadonlySet<string>
  readonly namespaces: GlobSet
  readonly reason: string
  /** First instant at which the exception no longer applies. */
  readonly expiresAt: Date | undefined
}
