import { evaluate } from '../../../../src/engine/evaluate.ts'
import type { Violation } from '../../../../src/engine/types.ts'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { contextFor, policyWith, type ContextOptions } from '../../../helpers/policy.ts'

/** A NetworkPolicy `web` in namespace `shop` selecting `app: web`, with `spec` merged in. */
export function networkPolicy (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web', namespace: 'shop', ...metadata },
    spec: { podSelector: { matchLabels: { app: 'web' } }, ...spec }
  }
}

/** The violations one rule reports for the object under a policy given as the YAML of its spec. */
export function violationsOf (ruleId: string, object: KubeObject, policySpec = '{}', options: ContextOptions = {}): Violation[] {
  return evaluate(object, contextFor(object, options), policyWith(policySpec)).filter((violation) => violation.ruleId === ruleId)
}

export const ingressFrom = (...from: unknown[]) => ({ ingress: [{ from }] })
export const ipBlock = (cidr: unknown, ...except: unknown[]) => ({ ipBlock: except.length > 0 ? { cidr, except } : { cidr } })
