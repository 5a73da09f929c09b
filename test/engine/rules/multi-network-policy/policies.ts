import type { KubeObject } from '../../../../src/kube/types.ts'

/**
 * A MultiNetworkPolicy `web` in namespace `shop` for the `shop/macvlan-net` network, selecting
 * `app: web`, with `spec` merged in; as in OKD's "Configuring multi-network policy".
 */
export function multiNetworkPolicy (spec: Record<string, unknown>, annotations: Record<string, string> = { 'k8s.v1.cni.cncf.io/policy-for': 'shop/macvlan-net' }, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'k8s.cni.cncf.io/v1beta1',
    kind: 'MultiNetworkPolicy',
    metadata: { name: 'web', namespace: 'shop', annotations, ...(labels === undefined ? {} : { labels }) },
    spec: { podSelector: { matchLabels: { app: 'web' } }, ...spec }
  }
}
