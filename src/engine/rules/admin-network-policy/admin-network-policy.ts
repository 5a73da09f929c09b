import type { KindRef, KubeObject } from '../../../kube/types.ts'
import { asList, asObject, type JsonObject } from '../../read.ts'

export const ANP_KIND: KindRef = { group: 'policy.networking.k8s.io', kind: 'AdminNetworkPolicy' }
export const BANP_KIND: KindRef = { group: 'policy.networking.k8s.io', kind: 'BaselineAdminNetworkPolicy' }
export const ADMIN_POLICY_KINDS = [ANP_KIND, BANP_KIND] as const

/** The spec as an object whatever was sent. */
export function adminPolicySpec (object: KubeObject): JsonObject {
  return asObject(object['spec']) ?? {}
}

/** One ingress or egress rule with its action and peers, read defensively. */
export interface AdminRule {
  /** `spec.ingress[0]` */
  readonly path: string
  /** `spec.ingress[0].from` or `spec.egress[0].to` */
  readonly peersPath: string
  readonly direction: 'Ingress' | 'Egress'
  /** As written; only `Allow`, `Deny` and (AdminNetworkPolicy) `Pass` mean anything. */
  readonly action: unknown
  readonly peers: readonly JsonObject[]
}

/** Every rule of both directions, in the order they take precedence within the policy. */
export function adminRules (object: KubeObject): AdminRule[] {
  const spec = adminPolicySpec(object)
  return (['Ingress', 'Egress'] as const).flatMap((direction) => {
    const [list, peers] = direction === 'Ingress' ? ['ingress', 'from'] : ['egress', 'to']
    return (asList(spec[list]) ?? []).map((value, index) => {
      const rule = asObject(value) ?? {}
      return {
        path: `spec.${list}[${index}]`,
        peersPath: `spec.${list}[${index}].${peers}`,
        direction,
        action: rule['action'],
        peers: (asList(rule[peers]) ?? []).map((peer) => asObject(peer) ?? {})
      }
    })
  })
}
