import type { KubeObject } from '../src/kube/types.ts'

/** Objects per namespace in syntheticCluster. */
export const OBJECTS_PER_NAMESPACE = 10

const DEFAULT_POLICIES: readonly [string, Record<string, unknown>][] = [
  ['netguard-deny-by-default', { podSelector: {}, policyTypes: ['Ingress'] }],
  ['netguard-allow-same-namespace', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] }],
  ['netguard-allow-from-ingress', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'policy-group.network.openshift.io/ingress': '' } } }] }] }],
  ['netguard-allow-from-monitoring', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'network.openshift.io/policy-group': 'monitoring' } } }] }] }]
]

/**
 * A cluster of `namespaces` tenant namespaces with OBJECTS_PER_NAMESPACE objects each, shaped
 * like real tenants and deterministic: most namespaces isolated (label and the four default
 * NetworkPolicies), some partly or not at all; a NodePort every 10th namespace, a world-open
 * LoadBalancer every 50th, a plain-HTTP Route every 7th, a world-open NetworkPolicy every 25th,
 * a macvlan NetworkAttachmentDefinition every 20th (the others an Ingress).
 */
export function syntheticCluster (namespaces: number): KubeObject[] {
  const objects: KubeObject[] = []
  for (let index = 0; index < namespaces; index++) {
    const ns = `team-${String(index).padStart(5, '0')}`
    const isolated = index % 5 !== 0
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: isolated ? { 'netguard.io/isolation': 'default-deny', team: `t${index % 40}` } : { team: `t${index % 40}` } } })
    // An isolated namespace every 9th has lost two of its default policies.
    const kept = isolated && index % 9 === 0 ? DEFAULT_POLICIES.slice(0, 2) : DEFAULT_POLICIES
    for (const [name, spec] of kept) {
      objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'netguard' } }, spec })
    }
    for (let filler = kept.length; filler < DEFAULT_POLICIES.length; filler++) {
      objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `settings-${filler}`, namespace: ns }, data: { level: 'info' } })
    }
    const type = index % 50 === 0 ? 'LoadBalancer' : index % 10 === 0 ? 'NodePort' : 'ClusterIP'
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: ns }, spec: { type, selector: { app: 'web' }, ports: [{ port: 443, targetPort: 8443, protocol: 'TCP' }] } })
    objects.push({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: 'web', namespace: ns },
      spec: { host: `web-${ns}.apps.example.com`, to: { kind: 'Service', name: 'web' }, ...(index % 7 === 0 ? {} : { tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' } }) }
    })
    const networks = index % 20 === 0 ? { 'k8s.v1.cni.cncf.io/networks': 'storage' } : undefined
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' }, ...(networks === undefined ? {} : { annotations: networks }) }, spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.4', ports: [{ containerPort: 8443 }] }] } } }
    })
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-frontend', namespace: ns },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: index % 25 === 0 ? [{ ipBlock: { cidr: '0.0.0.0/0' } }] : [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8443, protocol: 'TCP' }] }]
      }
    })
    objects.push(index % 20 === 0
      ? {
          apiVersion: 'k8s.cni.cncf.io/v1',
          kind: 'NetworkAttachmentDefinition',
          metadata: { name: 'storage', namespace: ns },
          spec: { config: JSON.stringify({ cniVersion: '0.3.1', type: 'macvlan', master: 'eth1', mode: 'bridge', ipam: { type: 'whereabouts', range: `192.168.${index % 250}.0/24` } }) }
        }
      : {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'api', namespace: ns },
          spec: { ingressClassName: 'openshift-default', tls: [{ hosts: [`api-${ns}.apps.example.com`], secretName: 'api-tls' }], rules: [{ host: `api-${ns}.apps.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 443 } } } }] } }] }
        })
  }
  return objects
}
