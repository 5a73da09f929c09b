import type { KubeObject, NetworkPolicy, NetworkPolicyPeer } from '../../../kube/types.ts'
import { metaOf, type Expected } from '../../read.ts'

export const NETWORK_POLICY_KIND = [{ group: 'networking.k8s.io', kind: 'NetworkPolicy' }] as const

/** The label that marks the default NetworkPolicies netguard creates and keeps. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by'
export const MANAGED_BY_NETGUARD = 'netguard'

export type Direction = 'Ingress' | 'Egress'

/** What the NetworkPolicy rules read of each direction (read.ts wrongTypes). */
const DIRECTION_FIELDS = (list: 'ingress' | 'egress', peers: 'from' | 'to') => ({
  [`spec.${list}`]: 'list',
  [`spec.${list}[]`]: 'object',
  [`spec.${list}[].${peers}`]: 'list',
  [`spec.${list}[].${peers}[]`]: 'object',
  [`spec.${list}[].${peers}[].ipBlock`]: 'object',
  [`spec.${list}[].${peers}[].ipBlock.except`]: 'list'
}) as const satisfies Readonly<Record<string, Expected>>
const POLICY_FIELDS = { spec: 'object', 'spec.policyTypes': 'list', 'spec.policyTypes[]': 'string' } as const
export const INGRESS_FIELDS: Readonly<Record<string, Expected>> = { ...POLICY_FIELDS, ...DIRECTION_FIELDS('ingress', 'from') }
export const EGRESS_FIELDS: Readonly<Record<string, Expected>> = { ...POLICY_FIELDS, ...DIRECTION_FIELDS('egress', 'to') }
export const PEER_FIELDS: Readonly<Record<string, Expected>> = { ...INGRESS_FIELDS, ...EGRESS_FIELDS }

/** One rule of a direction with its index in the object, so paths name the field the user wrote. */
export interface DirectedRule {
  /** `spec.ingress[2]` or `spec.egress[0]`. */
  readonly path: string
  /** `spec.ingress[2].from` or `spec.egress[0].to`. */
  readonly peersPath: string
  /** The peers, or undefined when the rule has none (which means every peer). */
  readonly peers: readonly NetworkPolicyPeer[] | undefined
}

const FIELDS = {
  Ingress: { list: 'ingress', peers: 'from' },
  Egress: { list: 'egress', peers: 'to' }
} as const

/**
 * The directions the policy takes effect in, as the API server defaults them: the listed
 * `policyTypes`, else Ingress, plus Egress when `spec.egress` has rules.
 */
export function policyTypes (object: KubeObject): ReadonlySet<Direction> {
  const spec = (object as NetworkPolicy).spec ?? {}
  const listed = Array.isArray(spec.policyTypes) ? spec.policyTypes.filter(isDirection) : []
  if (listed.length > 0) return new Set(listed)
  return new Set<Direction>(Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'])
}

/**
 * The rules of one direction that take effect. Rules of a direction missing from
 * `policyTypes` are ignored by every CNI, so they open nothing (until an update lists it).
 */
export function directedRules (object: KubeObject, direction: Direction): DirectedRule[] {
  if (!policyTypes(object).has(direction)) return []
  const { list, peers } = FIELDS[direction]
  const rules: unknown = (object as NetworkPolicy).spec?.[list]
  if (!Array.isArray(rules)) return []
  return rules.map((rule: unknown, index) => {
    const value: unknown = typeof rule === 'object' && rule !== null ? (rule as Record<string, unknown>)[peers] : undefined
    return {
      path: `spec.${list}[${index}]`,
      peersPath: `spec.${list}[${index}].${peers}`,
      peers: Array.isArray(value) && value.length > 0 ? value.map(asPeer) : undefined
    }
  })
}

function isDirection (value: unknown): value is Direction {
  return value === 'Ingress' || value === 'Egress'
}

function asPeer (peer: unknown): NetworkPolicyPeer {
  return typeof peer === 'object' && peer !== null ? peer as NetworkPolicyPeer : {}
}

export function isManaged (object: KubeObject | undefined): boolean {
  return metaOf(object).labels[MANAGED_BY_LABEL] === MANAGED_BY_NETGUARD
}

/** `namespace shop`, or `this namespace` for an object checked without one. */
export function namespaceOf (namespace: string | undefined): string {
  return namespace === undefined ? 'this namespace' : `namespace ${namespace}`
}
