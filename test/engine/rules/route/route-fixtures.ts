import type { Violation } from '../../../../src/engine/types.ts'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { contextFor, evaluate, policyWith, type ContextOptions } from '../../../helpers/policy.ts'

/** A Route in namespace shop with the given spec. */
export function route (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'web', namespace: 'shop', ...metadata }, spec: { to: { kind: 'Service', name: 'web' }, ...spec } }
}

export const EDGE = { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' }

/** The violations one rule reports for `object` under a policy given as the YAML of its spec. */
export function violationsOf (ruleId: string, object: KubeObject, policySpec = '{}', options: ContextOptions = {}): Violation[] {
  return evaluate(object, contextFor(object, options), policyWith(policySpec)).filter((violation) => violation.ruleId === ruleId)
}
