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
 * A read-only view of cluster state, fed by informer caches in the server and by
 * `--cluster-state` files in `netguard check`.
 */
export interface ClusterView {
  /**
   * Objects of a kind (in one namespace, or all when `namespace` is undefined). Undefined when the
   * view does not know that kind yet (cache not synced, or no state given): rules must then answer
   * as the policy says for unknown state, never as if the cluster were empty. A Namespace's own
   * namespace is itself: `list(Namespace, 'shop')` gives the Namespace `shop` (its labels are how
   * a policy matches namespaces by selector; see namespaceLabels in cluster.ts).
   */
  list (kind: KindRef, namespace?: string): readonly KubeObject[] | undefined
}

/** One problem a rule found: where it is, what is wrong and how to fix it. */
export interface Finding {
  /** Field path in the object, e.g. `spec.ports[0].nodePort`. */
  readonly path: string
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
