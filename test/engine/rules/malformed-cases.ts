import type { Operation } from '../../../src/engine/types.ts'
import type { KubeObject } from '../../../src/kube/types.ts'
import { testCertificate } from '../../helpers/certificates.ts'

/**
 * One forbidden setting per rule, for the property tests: an object the rule finds fault with,
 * the fields that fault rests on (`keep`: garbage there may rightly change the verdict), and
 * what the rule needs around it (settings, cluster state, the object before an UPDATE).
 */
export interface ForbiddenCase {
  readonly rule: string
  readonly object: KubeObject
  /** Dotted paths (array indices as numbers) the finding rests on. */
  readonly keep: readonly string[]
  /** The policy spec (YAML) that turns the rule on with the settings the case needs. */
  readonly spec?: string
  readonly operation?: Operation
  readonly oldObject?: KubeObject
  readonly cluster?: readonly KubeObject[]
  readonly username?: string
}

const NS = 'shop'
const meta = (name = 'web', extra: Record<string, unknown> = {}) => ({ name, namespace: NS, labels: { app: 'web' }, ...extra })
const service = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: meta('web', metadata), spec: { selector: { app: 'web' }, ports: [{ port: 443, targetPort: 8443 }], ...spec } })
const route = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: meta('web', metadata), spec: { to: { kind: 'Service', name: 'web' }, port: { targetPort: 'https' }, ...spec } })
const ingress = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('web', metadata), spec })
const backend = { service: { name: 'web', port: { number: 443 } } }
const networkPolicy = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('allow', metadata), spec: { podSelector: { matchLabels: { app: 'web' } }, ...spec } })
const nad = (config: unknown, namespace = NS): KubeObject =>
  ({ apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'net', namespace }, spec: { config: JSON.stringify(config) } })
const deployment = (template: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('app'), spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template } })
const firewall = (egress: unknown[]): KubeObject => ({ apiVersion: 'k8s.ovn.org/v1', kind: 'EgressFirewall', metadata: { name: 'default', namespace: NS }, spec: { egress } })
const egressIp = (spec: Record<string, unknown>, name = 'shop-egress'): KubeObject => ({ apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name }, spec })
const namespace = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } })
const MACVLAN = { cniVersion: '1.0.0', type: 'macvlan', master: 'eth1', mode: 'bridge', ipam: { type: 'whereabouts', range: '192.168.50.0/24' } }
const { certificate: EXPIRED } = testCertificate({ notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z'), hosts: ['web.apps.example.com'] })

export const FORBIDDEN: readonly ForbiddenCase[] = [
  { rule: 'SVC-NODEPORT', object: service({ type: 'NodePort' }), keep: ['spec.type'] },
  { rule: 'SVC-LOADBALANCER', object: service({ type: 'LoadBalancer' }), keep: ['spec.type', 'spec.loadBalancerSourceRanges', 'metadata.annotations'] },
  { rule: 'SVC-EXTERNALIP', object: service({ externalIPs: ['203.0.113.9'] }), keep: ['spec.externalIPs'] },
  { rule: 'SVC-EXTERNALNAME', object: service({ type: 'ExternalName', externalName: 'db.payments.svc.cluster.local' }), keep: ['spec.type', 'spec.externalName'] },
  {
    rule: 'SVC-PORT-RANGE',
    object: service({ ports: [{ port: 22 }] }),
    keep: ['spec.ports', 'spec.type'],
    spec: 'rules: { SVC-PORT-RANGE: { action: deny, allowedPorts: ["443"] } }'
  },
  {
    rule: 'SVC-UNIQUE-SELECTOR',
    object: service({}),
    keep: ['spec.selector', 'metadata.name', 'metadata.namespace'],
    spec: 'rules: { SVC-UNIQUE-SELECTOR: { action: deny } }',
    cluster: [service({}, { name: 'other' })]
  },
  {
    rule: 'SVC-EXTERNAL-DNS-UNIQUE',
    object: service({}, { annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'www.example.com' } }),
    keep: ['metadata.annotations', 'metadata.name', 'metadata.namespace'],
    cluster: [{ ...service({}, { annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'www.example.com' } }), metadata: { name: 'www', namespace: 'bank', annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'www.example.com' } } }]
  },
  { rule: 'ROUTE-TLS', object: route({ host: 'web.apps.example.com' }), keep: ['spec.tls'] },
  { rule: 'ROUTE-INSECURE', object: route({ tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow' } }), keep: ['spec.tls'] },
  { rule: 'ROUTE-TERMINATION', object: route({ tls: { termination: 'plain' } }), keep: ['spec.tls'] },
  {
    rule: 'ROUTE-HOST',
    object: route({ host: 'web.evil.example.com', tls: { termination: 'edge' } }),
    keep: ['spec.host', 'spec.wildcardPolicy'],
    spec: 'rules: { ROUTE-HOST: { allowedHostSuffixes: [apps.example.com] } }'
  },
  { rule: 'ROUTE-WILDCARD', object: route({ host: 'web.apps.example.com', wildcardPolicy: 'Subdomain', tls: { termination: 'edge' } }), keep: ['spec.wildcardPolicy', 'spec.host'] },
  {
    rule: 'ROUTE-CERT',
    object: route({ host: 'web.apps.example.com', tls: { termination: 'edge', certificate: EXPIRED } }),
    keep: ['spec.tls.certificate', 'spec.tls', 'spec.host']
  },
  {
    rule: 'ROUTE-ANNOTATIONS',
    object: route({ tls: { termination: 'edge' } }, { annotations: { 'haproxy.router.openshift.io/ip_whitelist': '0.0.0.0/0' } }),
    keep: ['metadata.annotations'],
    spec: 'rules: { ROUTE-ANNOTATIONS: { action: deny, forbiddenKeys: ["haproxy.router.openshift.io/ip_whitelist"] } }'
  },
  {
    rule: 'ROUTE-HOST-OWNERSHIP',
    object: route({ host: 'www.bank.example.com', tls: { termination: 'edge' } }),
    keep: ['spec.host', 'spec.wildcardPolicy', 'metadata.name', 'metadata.namespace'],
    cluster: [{ ...route({ host: 'www.bank.example.com' }), metadata: { name: 'www', namespace: 'bank' } }]
  },
  { rule: 'ING-TLS', object: ingress({ rules: [{ host: 'web.apps.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] }), keep: ['spec.tls', 'spec.rules', 'metadata.annotations'] },
  { rule: 'ING-HOST', object: ingress({ rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] }), keep: ['spec.rules'] },
  {
    rule: 'ING-CLASS',
    object: ingress({ ingressClassName: 'internet', rules: [] }),
    keep: ['spec.ingressClassName'],
    spec: 'rules: { ING-CLASS: { action: deny, allowedClasses: [openshift-default], fields: [ingressClassName] } }'
  },
  {
    rule: 'ING-ANNOTATIONS',
    object: ingress({ rules: [] }, { annotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'return 200;' } }),
    keep: ['metadata.annotations'],
    spec: 'rules: { ING-ANNOTATIONS: { action: deny, forbiddenKeys: ["*-snippet"] } }'
  },
  {
    rule: 'ING-HOST-UNIQUE',
    object: ingress({ rules: [{ host: 'www.bank.example.com' }] }),
    keep: ['spec.rules', 'metadata.name', 'metadata.namespace'],
    cluster: [{ ...ingress({ rules: [{ host: 'www.bank.example.com' }] }), metadata: { name: 'www', namespace: 'bank' } }]
  },
  {
    rule: 'ING-PATH',
    object: ingress({ rules: [{ host: 'web.apps.example.com', http: { paths: [{ path: '/var/run/secrets/kubernetes.io', pathType: 'Prefix', backend }] } }] }),
    keep: ['spec.rules'],
    spec: 'rules: { ING-PATH: { action: deny } }'
  },
  {
    rule: 'CM-NGINX-SNIPPETS',
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' }, data: { 'allow-snippet-annotations': 'true' } },
    keep: ['data', 'metadata.name']
  },
  { rule: 'NETPOL-ALLOW-ALL-INGRESS', object: networkPolicy({ policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 80 }] }] }), keep: ['spec.ingress', 'spec.policyTypes'] },
  {
    rule: 'NETPOL-ALL-NAMESPACES',
    object: networkPolicy({ policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] } }] }] }),
    keep: ['spec.ingress', 'spec.policyTypes']
  },
  { rule: 'NETPOL-WORLD-CIDR', object: networkPolicy({ policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/1' } }, { ipBlock: { cidr: '128.0.0.0/1' } }] }] }), keep: ['spec.ingress', 'spec.policyTypes'] },
  { rule: 'NETPOL-EGRESS-CIDR', object: networkPolicy({ policyTypes: ['Egress'], egress: [{ ports: [{ port: 443 }] }] }), keep: ['spec.egress', 'spec.policyTypes'] },
  {
    rule: 'NETPOL-EMPTY-PODSELECTOR',
    object: networkPolicy({ podSelector: {}, policyTypes: ['Ingress'] }),
    keep: ['spec.podSelector', 'metadata.name'],
    spec: 'rules: { NETPOL-EMPTY-PODSELECTOR: { action: deny } }'
  },
  {
    rule: 'NETPOL-MANAGED',
    object: networkPolicy({ policyTypes: ['Ingress'], ingress: [{}] }, { name: 'netguard-deny-by-default', labels: { 'app.kubernetes.io/managed-by': 'netguard' } }),
    keep: ['spec', 'metadata.labels'],
    operation: 'UPDATE',
    oldObject: networkPolicy({ podSelector: {}, policyTypes: ['Ingress'] }, { name: 'netguard-deny-by-default', labels: { 'app.kubernetes.io/managed-by': 'netguard' } })
  },
  { rule: 'NAD-CONFIG', object: nad({ type: 'macvlan', master: 'eth1' }), keep: ['spec.config'] },
  { rule: 'NAD-CNI-TYPE', object: nad({ ...MACVLAN, type: 'host-device', device: 'eth1' }), keep: ['spec.config'] },
  { rule: 'NAD-MASTER', object: nad({ ...MACVLAN, master: 'eth9' }), keep: ['spec.config'] },
  { rule: 'NAD-VLAN', object: nad({ cniVersion: '1.0.0', type: 'vlan', master: 'eth1', vlanId: 42 }), keep: ['spec.config'] },
  { rule: 'NAD-IPAM-RANGE', object: nad({ ...MACVLAN, ipam: { type: 'host-local', subnet: '10.128.0.0/24' } }), keep: ['spec.config'] },
  {
    rule: 'NAD-IPAM-OVERLAP',
    object: nad(MACVLAN),
    keep: ['spec.config', 'metadata.name', 'metadata.namespace'],
    cluster: [nad(MACVLAN, 'payments')]
  },
  {
    rule: 'POD-NETWORKS',
    object: deployment({ metadata: { labels: { app: 'web' }, annotations: { 'k8s.v1.cni.cncf.io/networks': '[{"name": "db-net", "namespace": "billing"}]' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } }),
    keep: ['spec.template.metadata.annotations', 'spec.template.metadata', 'spec.template']
  },
  {
    rule: 'POD-HOSTNETWORK',
    object: deployment({ metadata: { labels: { app: 'web' } }, spec: { hostNetwork: true, containers: [{ name: 'app', image: 'app:1' }] } }),
    keep: ['spec.template.spec.hostNetwork', 'spec.template.spec', 'spec.template']
  },
  {
    rule: 'POD-HOSTPORT',
    object: deployment({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: 8080, hostPort: 80 }] }] } }),
    keep: ['spec.template.spec.containers', 'spec.template.spec.hostNetwork', 'spec.template.spec', 'spec.template']
  },
  {
    rule: 'POD-NETPOL-REQUIRED',
    object: deployment({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } }),
    keep: ['spec.template.metadata.labels', 'spec.template.metadata', 'spec.template'],
    spec: 'rules: { POD-NETPOL-REQUIRED: { action: deny } }',
    cluster: [networkPolicy({ podSelector: { matchLabels: { app: 'db' } } })]
  },
  { rule: 'EFW-ALLOW-WORLD', object: firewall([{ type: 'Allow', to: { cidrSelector: '0.0.0.0/0' } }]), keep: ['spec.egress'] },
  { rule: 'EFW-DEFAULT-DENY', object: firewall([{ type: 'Allow', to: { cidrSelector: '203.0.113.0/24' } }]), keep: ['spec.egress'] },
  { rule: 'EFW-LIMIT', object: firewall([{ type: 'Allow', to: { dnsName: '*.*.example.com' } }, { type: 'Deny', to: { cidrSelector: '0.0.0.0/0' } }]), keep: ['spec.egress'] },
  { rule: 'EGRESSIP-POOL', object: egressIp({ egressIPs: ['203.0.113.9'], namespaceSelector: { matchLabels: { team: 'shop' } } }), keep: ['spec.egressIPs'] },
  { rule: 'EGRESSIP-SELECTOR', object: egressIp({ egressIPs: ['192.0.2.5'], namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] } }), keep: ['spec.namespaceSelector'] },
  {
    rule: 'EGRESSIP-UNIQUE',
    object: egressIp({ egressIPs: ['192.0.2.5'], namespaceSelector: { matchLabels: { team: 'shop' } } }),
    keep: ['spec.egressIPs', 'metadata.name'],
    cluster: [egressIp({ egressIPs: ['192.0.2.5'] }, 'bank-egress')]
  },
  {
    rule: 'NS-ISOLATION-OPTOUT',
    object: namespace(NS, { team: 'shop', 'netguard.io/isolation': 'none' }),
    keep: ['metadata.labels'],
    operation: 'UPDATE',
    oldObject: namespace(NS, { team: 'shop', 'netguard.io/isolation': 'default-deny' })
  },
  { rule: 'NS-RESERVED-LABELS', object: namespace(NS, { team: 'shop', 'netguard.io/ignore': 'true' }), keep: ['metadata.labels'] },
  { rule: 'NS-EXEMPT-NAME', object: namespace('kube-evil', { team: 'shop' }), keep: ['metadata.name'] },
  { rule: 'NS-ISOLATION', object: namespace(NS, { team: 'shop' }), keep: ['metadata.labels'] }
]
