import type { KubeObject } from '../../../../src/kube/types.ts'

/**
 * An EgressRouter `egress-router-redirect` in namespace `shop`, shaped as in OKD's "Deploying an
 * egress router in redirect mode", with `spec` merged over it.
 */
export function egressRouter (spec: Record<string, unknown> = {}, namespace = 'shop'): KubeObject {
  return {
    apiVersion: 'network.operator.openshift.io/v1',
    kind: 'EgressRouter',
    metadata: { name: 'egress-router-redirect', namespace },
    spec: {
      networkInterface: { macvlan: { mode: 'Bridge', master: 'ens4' } },
      addresses: [{ ip: '192.168.12.99/24', gateway: '192.168.12.1' }],
      mode: 'Redirect',
      redirect: {
        redirectRules: [
          { destinationIP: '10.0.0.99', port: 80, protocol: 'UDP' },
          { destinationIP: '203.0.113.26', port: 8080, targetPort: 80, protocol: 'TCP' }
        ],
        fallbackIP: '192.0.2.1'
      },
      ...spec
    }
  }
}
