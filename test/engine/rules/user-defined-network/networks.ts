import type { KubeObject } from '../../../../src/kube/types.ts'

/** A UserDefinedNetwork `udn-1` in namespace `shop` with this `spec`, as in OKD's "Creating a UserDefinedNetwork". */
export function udn (spec: Record<string, unknown>, namespace = 'shop', name = 'udn-1'): KubeObject {
  return { apiVersion: 'k8s.ovn.org/v1', kind: 'UserDefinedNetwork', metadata: { name, namespace }, spec }
}

/** A ClusterUserDefinedNetwork `cudn-1` for the named namespaces, with this `network`. */
export function cudn (network: Record<string, unknown>, namespaces: readonly string[] = ['red', 'blue'], name = 'cudn-1'): KubeObject {
  return {
    apiVersion: 'k8s.ovn.org/v1',
    kind: 'ClusterUserDefinedNetwork',
    metadata: { name },
    spec: {
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: namespaces }] },
      network
    }
  }
}

export const layer2 = (role: string, subnets?: unknown, extra: Record<string, unknown> = {}) =>
  ({ topology: 'Layer2', layer2: { role, ...(subnets === undefined ? {} : { subnets }), ...extra } })

export const layer3 = (role: string, subnets: unknown, extra: Record<string, unknown> = {}) =>
  ({ topology: 'Layer3', layer3: { role, subnets, ...extra } })

export const localnet = (physicalNetworkName: unknown, extra: Record<string, unknown> = {}) =>
  ({ topology: 'Localnet', localnet: { role: 'Secondary', physicalNetworkName, ipam: { mode: 'Disabled' }, ...extra } })

/** A Namespace with `kubernetes.io/metadata.name` (every namespace has it) and these labels. */
export function namespace (name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } }
}
