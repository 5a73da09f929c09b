import type { KindRef, KubeObject } from '../kube/types.ts'

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT'
export const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT']

/** What a validation finding does: reject, allow with a warning, allow and record, or nothing. */
export type Action = 'deny' | 'warn' | 'audit' | 'off'
export const ACTIONS: readonly Action[] = ['deny', 'warn', 'audit', 'off']

/** What a mutation does: patch the object, only record what it would have patched, or nothing. */
export type MutationAction = 'mutate' | 'audit' | 'off'
export const MUTATION_ACTIONS: readonly MutationAction[] = ['mutate', 'audit', 'off']

/** `audit` turns every deny and patch into a report: nothing is blocked or changed. */
export type Mode = 'enforce' | 'audit'
export const MODES: readonly Mode[] = ['enforce', 'audit']

/** Which webhook reviews: the mutating one (patches) or the validating one (verdicts). */
export type ReviewPoint = 'validate' | 'mutate'
export const REVIEW_POINTS: readonly ReviewPoint[] = ['validate', 'mutate']

export interface UserInfo {
  readonly username: string
  readonly groups: readonly string[]
}

/**
 * Everything about a review except the object itself. The clock is an input (`now`) so that
 * evaluation stays a pure function: the same object and context always give the same verdict.
 */
export interface ReviewContext {
  readonly operation: Operation
  readonly kind: KindRef
  /** The request's namespace; for a Namespace object, its own name. */
  readonly namespace: string | undefined
  readonly name: string | undefined
  readonly user: UserInfo
  /** The object before this change, on UPDATE and DELETE. */
  readonly oldObject: KubeObject | undefined
  readonly dryRun: boolean
  readonly now: Date
  /**
   * Other objects in the cluster, for rules that compare against them (host ownership, unique
   * hosts, overlapping ranges). Absent offline; see ClusterView for what "unknown" means.
   */
  readonly cluster?: ClusterView
}

/**
 * One request as netguard reviews it, from whichever front: the webhook decodes an AdmissionReview
 * into it, `check` and `audit` build it from a manifest (subjectOf in subject.ts). Rules see it as
 * their ReviewContext.
 */
export interface Subject extends ReviewContext {
  /** The object after the change; undefined on DELETE. */
  readonly object: KubeObject | undefined
  /** Set for a request on a subresource (`status`, `scale`): no rule looks at those. */
  readonly subResource?: string | undefined
}

/**
 * A read-only view of cluster state: the contract every implementation keeps (the informer caches
 * of `serve`, the listing `audit` takes, the `--cluster-state` files of `check`), and the one
 * test suite in test/cluster/cluster-view-contract.ts holds each of them to it.
 *
 * - `list(kind)`: every object of the kind; `list(kind, namespace)`: those filed under that
 *   namespace. A namespaced object is filed under its `metadata.namespace`; a Namespace under its
 *   own name, so `list(Namespace, 'shop')` is the Namespace `shop` (its labels are how a policy
 *   matches namespaces by selector; see namespaceLabels in cluster.ts); any other cluster-scoped
 *   object under `''`.
 * - `undefined`: the view does not know the kind (a cache not synced yet, a kind the listing did
 *   not cover). Rules then answer as the policy says for unknown state, never as if the cluster
 *   were empty. `[]`: the kind is known and has no object there (a kind the cluster does not
 *   serve is known and empty; `--cluster-state` declares the whole cluster, so every kind is known).
 * - Objects carry `apiVersion` and `kind`, in order of namespace then name, and a list is the same
 *   array until the kind changes (rules keep indexes per list; see derivedFrom in cluster.ts).
 */
export interface ClusterView {
  list (kind: KindRef, namespace?: string): readonly KubeObject[] | undefined
  /**
   * Why a kind `list` answers undefined for is unknown here, and what to do, in this front's
   * words (unknownState in cluster.ts words the finding). @default not synced yet: retry
   */
  readonly unknownState?: UnknownState
}

/** Why cluster state is not known: `because` completes "existing Route objects are …", `fix` says what to do. */
export interface UnknownState {
  readonly because: string
  readonly fix: string
}

/**
 * One problem a rule found: where it is, what is wrong and how to fix it. Its identity is the
 * rule, the path and the code, never the message: "already so before this update" compares them.
 */
export interface Finding {
  /** Field path in the object, e.g. `spec.ports[0].nodePort`; '' for the object as a whole. */
  readonly path: string
  /**
   * Why, as a stable kebab-case word (`not-allowed`, `expired`). Required where the rule can find
   * different problems at one path; a rule with one problem per path may leave it out.
   */
  readonly code?: string
  /** A sentence that names the field and the offending value. */
  readonly message: string
  /** How to fix it. */
  readonly fix: string
  /** A finding may ask for a milder action than the rule's (e.g. a weak key only warns). */
  readonly action?: 'warn' | 'audit'
  /**
   * For the admin only: what the message must not tell the requester, such as which object in
   * another namespace holds a host or an address. It goes to the audit annotations and the log
   * line, never into a deny message, a warning or a report a tenant reads.
   */
  readonly detail?: string
}

export interface Violation extends Omit<Finding, 'action'> {
  readonly ruleId: string
  readonly action: Exclude<Action, 'off'>
}

/** A change a mutation rule made or, in audit, would have made. */
export interface Change {
  readonly ruleId: string
  readonly action: Exclude<MutationAction, 'off'>
  readonly message: string
}

/**
 * What exempted a subject from every rule: its namespace (by name or labels), its user or a group,
 * or that the object is one netguard itself writes, exactly so (`managed`: isNetguardsOwn in isolation.ts).
 */
export type ExemptBy = 'namespace' | 'namespaceSelector' | 'user' | 'group' | 'managed'

/**
 * What one rule made of a subject. pass: nothing found. fail: a finding that denies (in enforce
 * mode). warn: only findings that warn or are recorded, or a change a mutation rule made.
 * skip: the rule did not look (the subject is exempt, or an exception waives the rule). error:
 * the rule threw; its violation carries the rule's action, so a bug never allows silently.
 */
export type RuleStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'error'

export interface RuleResult {
  readonly ruleId: string
  readonly point: ReviewPoint
  readonly status: RuleStatus
  /** fail, warn or error at the validate point: what the rule found, with the action each gets. */
  readonly violations?: readonly Violation[]
  /** warn at the mutate point: the change the rule made (or, with action audit, would make). */
  readonly change?: Change
  /** skip: the exception that waived the rule here. */
  readonly exception?: string
  /** skip: what exempted the subject. */
  readonly exemptBy?: ExemptBy
}
