import { parse } from 'yaml'
import type { CompiledPolicy } from '../../src/engine/policy.ts'
import { review } from '../../src/engine/review.ts'
import type { Change, ClusterView, Operation, ReviewContext, Violation } from '../../src/engine/types.ts'
import { parseApiVersion, type KindRef, type KubeObject } from '../../src/kube/types.ts'
import { compilePolicy } from '../../src/policy/compile.ts'
import { parseSource } from '../../src/policy/parse.ts'

/**
 * Compiles a policy from the YAML of its `spec` (and nothing else), for rule tests:
 * `policyWith('rules: { SVC-NODEPORT: { allowedNamespaces: [edge] } }')`.
 */
export function policyWith (specYaml = '{}'): CompiledPolicy {
  const spec: unknown = parse(specYaml) ?? {}
  const text = JSON.stringify({ apiVersion: 'netguard.io/v1alpha1', kind: 'NetworkGuardPolicy', spec })
  return compilePolicy(parseSource('test-policy.yaml', text).documents)
}

export interface ContextOptions {
  readonly operation?: Operation
  readonly namespace?: string
  readonly username?: string
  readonly groups?: readonly string[]
  readonly oldObject?: KubeObject
  readonly now?: Date
  readonly cluster?: ClusterView
}

/** A review context for `object`, as the webhook would build it; kind and name come from the object. */
export function contextFor (object: KubeObject, options: ContextOptions = {}): ReviewContext {
  const kind: KindRef = { group: parseApiVersion(object.apiVersion).group, kind: object.kind ?? '' }
  return {
    operation: options.operation ?? 'CREATE',
    kind,
    namespace: options.namespace ?? object.metadata?.namespace ?? (object.kind === 'Namespace' ? object.metadata?.name : 'tenant'),
    name: object.metadata?.name,
    user: { username: options.username ?? 'alice', groups: options.groups ?? ['system:authenticated'] },
    oldObject: options.oldObject,
    dryRun: false,
    now: options.now ?? new Date('2026-11-26T12:00:00Z'),
    cluster: options.cluster
  }
}

/** The violations the validating webhook finds in `object` (the engine's review at the validate point). */
export function evaluate (object: KubeObject | undefined, context: ReviewContext, policy: CompiledPolicy): readonly Violation[] {
  return review({ ...context, object }, policy, 'validate').decision.violations
}

/** What the mutating webhook makes of `object`: the object as patched (in enforce mode) and the changes. */
export function mutate (object: KubeObject, context: ReviewContext, policy: CompiledPolicy): { readonly object: KubeObject, readonly changes: readonly Change[] } {
  const { decision, object: patched } = review({ ...context, object }, policy, 'mutate')
  return { object: patched ?? object, changes: decision.changes }
}
