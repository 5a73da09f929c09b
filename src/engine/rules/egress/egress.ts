import type { EgressFirewall, EgressIP, KubeObject } from '../../../kube/types.ts'
import { parseCidr, type Cidr } from '../../net/address-set.ts'
import type { Expected } from '../../read.ts'
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

/** What the EFW rules read (read.ts wrongTypes); cidrSelector and dnsName values are EFW-LIMIT's to judge. */
export const FIREWALL_FIELDS: Readonly<Record<string, Expected>> = {
  spec: 'object',
  'spec.egress': 'list',
  'spec.egress[]': 'object',
  'spec.egress[].type': 'string',
  'spec.egress[].to': 'object',
  'spec.egress[].ports': 'list'
}

/** What the EgressIP rules read of spec.egressIPs; an entry that is no address is EGRESSIP-POOL's to report. */
export const EGRESS_IP_FIELDS: Readonly<Record<string, Expected>> = { spec: 'object', 'spec.egressIPs': 'list' }

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
