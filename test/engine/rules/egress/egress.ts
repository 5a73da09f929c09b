import type { KubeObject } from '../../../../src/kube/types.ts'

export type Kind = 'EgressFirewall' | 'EgressNetworkPolicy'

/** An egress firewall `default` in namespace `shop` with these rules, of either kind. */
export function firewall (egress: unknown, kind: Kind = 'EgressFirewall'): KubeObject {
  return {
    apiVersion: kind === 'EgressFirewall' ? 'k8s.ovn.org/v1' : 'network.openshift.io/v1',
    kind,
    metadata: { name: 'default', namespace: 'shop' },
    spec: { egress }
  }
}

export const allow = (cidrSelector: string, ports?: unknown[]) => ({ type: 'Allow', to: { cidrSelector }, ...(ports === undefined ? {} : { ports }) })
export const deny = (cidrSelector: string, ports?: unknown[]) => ({ type: 'Deny', to: { cidrSelector }, ...(ports === undefined ? {} : { ports }) })
export const dns = (type: string, dnsName: unknown) => ({ type, to: { dnsName } })

export function egressIp (spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name: 'shop-egress' }, spec }
}
