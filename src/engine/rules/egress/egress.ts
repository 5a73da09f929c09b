import type { EgressFirewall, EgressIP, KubeObject } from '../../../kube/types.ts'
import { parseCidr, type Cidr } from '../../net/address-set.ts'
import type { ReviewContext } from '../../types.ts'

/**
 * OVN-Kubernetes EgressFirewall and its OpenShift SDN predecessor EgressNetworkPolicy share one
 * shape and one meaning (rules in order, first match wins, unmatched egress allowed), so the
 * EFW rules read both. SDN knows IPv4 only, no ports and no wildcards, and allows 1,000 rules.
 */
export const EGRESS_FIREWALL_KINDS = [
  { group: 'k8s.ovn.org', kind: 'EgressFirewall' },
  { group: 'network.openshift.io', kind: 'EgressNetworkPolicy' }
] as const

export const EGRESS_IP_KIND = [{ group: 'k8s.ovn.org', kind: 'EgressIP' }] as const

/** True when the object under review is an OpenShift SDN EgressNetworkPolicy. */
export function isSdnPolicy (context: ReviewContext): boolean {
  return context.kind.group === 'network.openshift.io'
}

/** One firewall rule, read defensively. */
export interface FirewallRule {
  /** `spec.egress[3]` */
  readonly path: string
  /** The type as written; only `Allow` and `Deny` mean anything. */
  readonly type: unknown
  /** `to.cidrSelector` as written, and parsed when it is a CIDR. */
  readonly cidrText: unknown
  readonly cidr: Cidr | undefined
  readonly dnsName: unknown
  /** A rule with ports decides only those ports; one without decides every port. */
  readonly allPorts: boolean
}

export function firewallRules (object: KubeObject): FirewallRule[] {
  const rules: unknown = (object as EgressFirewall).spec?.egress
  if (!Array.isArray(rules)) return []
  return rules.map((value: unknown, index) => {
    const rule = typeof value === 'object' && value !== null ? value as Record<string, unknown> : {}
    const to = typeof rule['to'] === 'object' && rule['to'] !== null ? rule['to'] as Record<string, unknown> : {}
    const cidrText = to['cidrSelector']
    const ports = rule['ports']
    return {
      path: `spec.egress[${index}]`,
      type: rule['type'],
      cidrText,
      cidr: typeof cidrText === 'string' ? parseCidr(cidrText) : undefined,
      dnsName: to['dnsName'],
      allPorts: !Array.isArray(ports) || ports.length === 0
    }
  })
}

export function egressIpSpec (object: KubeObject): NonNullable<EgressIP['spec']> {
  const spec = (object as EgressIP).spec
  return typeof spec === 'object' && spec !== null ? spec : {}
}
