import type { Static, TObject } from 'typebox'
import type { KindRef, KubeObject } from '../kube/types.ts'
import type { GlobSet } from './glob.ts'
import type { LabelMatcher } from './label-selector.ts'
import { wrongTypes, type Expected } from './read.ts'
import type { Action, Finding, MutationAction, Operation, ReviewContext } from './types.ts'

/** PolicyReport severities (wgpolicyk8s.io, openreports.io), most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
export type Severity = typeof SEVERITIES[number]

/** What a rule protects, after the OKD network-security practices netguard enforces (a report's `category`). */
export const CATEGORIES = ['Network isolation', 'Ingress security', 'Egress security', 'Multiple networks', 'Multitenancy'] as const
export type Category = typeof CATEGORIES[number]

/**
 * A rule is data plus two pure functions: `compile` turns its validated settings into the form
 * evaluation needs (once, at policy load), `check` inspects one object. Rules never throw on user
 * input; the engine still turns an exception into a finding so a bug can never allow silently.
 */
interface RuleBase<S extends TObject, C> {
  /** Stable ID, e.g. `SVC-NODEPORT`; messages and policies refer to it. */
  readonly id: string
  readonly kinds: readonly KindRef[]
  /** Operations the rule looks at; content rules look at CREATE and UPDATE only. */
  readonly operations: readonly Operation[]
  /** One line for the policy reference and `netguard` help. */
  readonly summary: string
  /** What the rule protects, in reports. @default by its first kind (defaultCategory) */
  readonly category?: Category
  /**
   * How bad a finding is, in reports. @default by the default action (defaultSeverity): deny high,
   * warn and mutate medium, audit and off low
   */
  readonly severity?: Severity
  /**
   * The rule judges the change itself (it reads `context.oldObject`), so a finding on UPDATE is
   * never an old one carried over; see CompiledPolicy.allowExistingViolations.
   */
  readonly judgesChanges?: boolean
  /**
   * The rule guards what exemptions by namespace rest on (the labels and names that make a
   * namespace exempt): an exempt namespace does not skip it, only exempt users and groups do.
   */
  readonly guardsExemptions?: boolean
  /**
   * Kinds of other objects the rule compares against (`context.cluster`); the server keeps an
   * informer cache of each. Namespaces are always known: every namespace selector needs them.
   */
  readonly reads?: readonly KindRef[]
  /**
   * Settings taken from another rule's entry unless this rule's own entry sets them, so that one
   * list serves both (ER-REDIRECT follows NETPOL-EGRESS-CIDR's approved CIDRs) and an admin who
   * narrows it does so once. Each named setting has the same schema in both rules.
   */
  readonly inherits?: readonly SettingsSource[]
  /** Schema of the rule's own settings in a policy (every field optional). */
  readonly settings: S
  /** Value of every setting when the policy leaves it out. */
  readonly defaults: Required<Static<S>>
  /**
   * `shared` holds policy-level settings some rules follow (e.g. the isolation label); the policy
   * compiler always passes it, a test calling `compile` directly may leave it out.
   */
  compile (settings: Required<Static<S>>, shared?: SharedSettings): C
}

/** Another rule whose settings a rule follows, and which of them. */
export interface SettingsSource {
  readonly rule: string
  readonly settings: readonly string[]
}

export interface ValidationRuleSpec<S extends TObject, C> extends RuleBase<S, C> {
  readonly type: 'validate'
  readonly defaultAction: Action
  /**
   * The fields `check` reads and the type each must have (read.ts wrongTypes: `[]` every list
   * element, `{}` every map value). A field of another type is a finding of the rule's own,
   * reported before what `check` finds; `check` itself reads leniently (absent on wrong type).
   */
  readonly fields?: Readonly<Record<string, Expected>>
  /** On DELETE, `object` is the object being deleted. */
  check (object: KubeObject, context: ReviewContext, settings: C): readonly Finding[]
}

export interface MutationRuleSpec<S extends TObject, C> extends RuleBase<S, C> {
  readonly type: 'mutate'
  readonly defaultAction: MutationAction
  /** Returns the object as it should be, and what changed, or undefined when nothing needs to. */
  mutate (object: KubeObject, context: ReviewContext, settings: C): { readonly object: KubeObject, readonly message: string } | undefined
}

/** A defined rule always has its report metadata: its own, or the defaults. */
interface RuleMetadata {
  readonly category: Category
  readonly severity: Severity
}

// The registry holds rules of many setting types; past `defineRule` their settings are opaque.
export type ValidationRule = ValidationRuleSpec<TObject, unknown> & RuleMetadata
export type MutationRule = MutationRuleSpec<TObject, unknown> & RuleMetadata
export type Rule = ValidationRule | MutationRule

export function defineRule<S extends TObject, C> (spec: ValidationRuleSpec<S, C> | MutationRuleSpec<S, C>): Rule {
  const metadata: RuleMetadata = { category: spec.category ?? defaultCategory(spec.kinds), severity: spec.severity ?? defaultSeverity(spec.defaultAction) }
  if (spec.type !== 'validate' || spec.fields === undefined) return { ...spec, ...metadata } as unknown as Rule
  const { fields, check } = spec
  const typed: ValidationRuleSpec<S, C> = { ...spec, ...metadata, check: (object, context, settings) => [...wrongTypes(object, fields), ...check(object, context, settings)] }
  return typed as unknown as Rule
}

/** The category of a rule that names none, by the kind it reads first (kinds without a family of their own: Network isolation). */
const CATEGORY_BY_KIND: Readonly<Record<string, Category>> = {
  Service: 'Ingress security',
  Route: 'Ingress security',
  Ingress: 'Ingress security',
  ConfigMap: 'Ingress security',
  NetworkPolicy: 'Network isolation',
  AdminNetworkPolicy: 'Network isolation',
  BaselineAdminNetworkPolicy: 'Network isolation',
  UserDefinedNetwork: 'Network isolation',
  ClusterUserDefinedNetwork: 'Network isolation',
  Namespace: 'Network isolation',
  Pod: 'Network isolation',
  NetworkAttachmentDefinition: 'Multiple networks',
  MultiNetworkPolicy: 'Multiple networks',
  EgressFirewall: 'Egress security',
  EgressNetworkPolicy: 'Egress security',
  EgressIP: 'Egress security',
  EgressRouter: 'Egress security'
}

export function defaultCategory (kinds: readonly KindRef[]): Category {
  return CATEGORY_BY_KIND[kinds[0]?.kind ?? ''] ?? 'Network isolation'
}

export function defaultSeverity (action: Action | MutationAction): Severity {
  if (action === 'deny') return 'high'
  return action === 'warn' || action === 'mutate' ? 'medium' : 'low'
}

/** Thrown by `compile` for a setting that the schema accepts but that makes no sense (a bad CIDR). */
export class SettingError extends Error {
  readonly path: readonly (string | number)[]

  constructor (path: readonly (string | number)[], message: string) {
    super(message)
    this.name = 'SettingError'
    this.path = path
  }
}

export const CONTENT_OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE']

/** Settings outside any one rule, passed to every rule's `compile` and read by the reconciler. */
export interface SharedSettings {
  readonly isolation: IsolationSettings
  /** The policy's exemptions, for the rules that guard what they rest on (NS-RESERVED-LABELS, NS-EXEMPT-NAME). */
  readonly exemptions: Exemptions
  /** The exceptions' namespace selectors: their label keys decide where an exception applies. */
  readonly exceptionSelectors: readonly LabelMatcher[]
}

/** Who and what skips the rules (a policy's `spec.exemptions`, compiled). */
export interface Exemptions {
  readonly namespaces: GlobSet
  readonly users: GlobSet
  readonly groups: GlobSet
  /** Namespaces whose labels match one of these are exempt too (labels come from ReviewContext.cluster). */
  readonly namespaceSelectors: readonly LabelMatcher[]
}

/** Which namespaces are isolated, and the NetworkPolicies the reconciler keeps in each. */
export interface IsolationSettings {
  /** Namespaces labelled `label: value` are isolated; NS-ISOLATION labels new namespaces so. */
  readonly label: string
  readonly value: string
  readonly networkPolicies: readonly ManagedNetworkPolicy[]
  /**
   * How isolation is kept: `networkPolicies` in every isolated namespace, or one cluster-wide
   * `baselineAdminNetworkPolicy` made from their ingress rules.
   */
  readonly mechanism: IsolationMechanism
  /** Also keep a deny-by-default MultiNetworkPolicy for every secondary network of an isolated namespace, where the cluster serves them. */
  readonly secondaryNetworks: boolean
}

export type IsolationMechanism = 'networkPolicies' | 'baselineAdminNetworkPolicy'

/** One NetworkPolicy netguard owns: its name, extra labels, and its spec as declared. */
export interface ManagedNetworkPolicy {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly spec: Readonly<Record<string, unknown>>
}
