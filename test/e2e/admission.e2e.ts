// Backend: the real kube-apiserver and etcd started by `npm run e2e` (test/e2e/run.ts), with the
// chart's webhook configurations. Only the real API server decides whether netguard is called
// (rules, selectors), checks its certificate against the caBundle, turns a denial into the
// client's error and a warning into a `Warning` header, and honours dryRun: a double cannot prove
// any of that.
import t from 'tap'
import { denialOf, e2eCluster, pathOf, tenantNamespace } from './harness/e2e.ts'

const cluster = e2eCluster()
t.teardown(() => cluster.close())
const namespace = await tenantNamespace(cluster, 'shop')

const service = (name: string, spec: Record<string, unknown>): Record<string, unknown> & { apiVersion: string, kind: string, metadata: { name: string, namespace: string } } =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], ...spec } })
const route = (name: string, spec: Record<string, unknown>) =>
  ({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name, namespace }, spec: { to: { kind: 'Service', name: 'web' }, port: { targetPort: 8080 }, ...spec } })
const networkPolicy = (name: string, ingress: unknown[]) =>
  ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress } })
const attachment = (name: string, config: Record<string, unknown>) =>
  ({ apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, namespace }, spec: { config: JSON.stringify(config) } })

const refused = [
  { what: 'a NodePort Service', object: service('nodeport', { type: 'NodePort' }), rule: 'SVC-NODEPORT' },
  { what: 'a plain-HTTP Route', object: route('plain', {}), rule: 'ROUTE-TLS' },
  { what: 'a world-open NetworkPolicy', object: networkPolicy('world-open', [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }]), rule: 'NETPOL-WORLD-CIDR' },
  { what: 'a NetworkAttachmentDefinition with an unapproved plugin', object: attachment('hostdev', { cniVersion: '0.4.0', type: 'host-device', device: 'eth1' }), rule: 'NAD-CNI-TYPE' }
]

const compliant = [
  { what: 'a ClusterIP Service', object: service('web', {}) },
  { what: 'an edge-terminated Route that redirects HTTP', object: route('secure', { tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' } }) },
  { what: 'a NetworkPolicy admitting one app', object: networkPolicy('from-frontend', [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]) },
  { what: 'an OVN layer-2 secondary network', object: attachment('l2', { cniVersion: '0.3.1', name: 'shop-l2', type: 'ovn-k8s-cni-overlay', topology: 'layer2', netAttachDefName: `${namespace}/l2` }) }
]

for (const { what, object, rule } of refused) {
  t.test(`${what} is refused with netguard's message, and stays refused under dryRun=All`, async (t) => {
    for (const dryRun of [false, true]) {
      const reply = await cluster.tenant.create(pathOf(object, false), object, { dryRun })
      t.equal(reply.status, 403, `dryRun=${String(dryRun)}: 403 Forbidden`)
      t.match(denialOf(reply.body), new RegExp(`^admission webhook "validate\\.netguard\\.io" denied the request: .*\\[${rule}\\]`), `dryRun=${String(dryRun)}: the client reads [${rule}]`)
    }
    t.equal((await cluster.admin.get(pathOf(object))).status, 404, 'nothing was stored')
  })
}

for (const { what, object } of compliant) {
  t.test(`${what} is created; dryRun=All admits it and stores nothing`, async (t) => {
    const dry = await cluster.tenant.create(pathOf(object, false), object, { dryRun: true })
    t.equal(dry.status, 201, `dry run admitted: ${denialOf(dry.body)}`)
    t.equal((await cluster.admin.get(pathOf(object))).status, 404, 'the dry run stored nothing')
    const created = await cluster.tenant.create(pathOf(object, false), object)
    t.equal(created.status, 201, `created: ${denialOf(created.body)}`)
    t.same(created.warnings, [], 'no warnings')
    t.equal((await cluster.admin.get(pathOf(object))).status, 200, 'stored')
  })
}

t.test('a warn rule lets the object through with a Warning header, dry run or not', async (t) => {
  const object = networkPolicy('all-namespaces', [{ from: [{ namespaceSelector: {} }] }])
  for (const dryRun of [true, false]) {
    const reply = await cluster.tenant.create(pathOf(object, false), object, { dryRun })
    t.equal(reply.status, 201, `dryRun=${String(dryRun)}: created`)
    t.match(reply.warnings, [/^\[NETPOL-ALL-NAMESPACES\] spec\.ingress\[0\]\.from\[0\]\.namespaceSelector/], `dryRun=${String(dryRun)}: the client shows the warning`)
  }
})

t.test('an update that breaks a rule is refused like a create', async (t) => {
  const path = pathOf(service('web', {}))
  const current = (await cluster.tenant.get(path)).body as { spec: Record<string, unknown> }
  const reply = await cluster.tenant.replace(path, { ...current, spec: { ...current.spec, type: 'NodePort' } })
  t.equal(reply.status, 403)
  t.match(denialOf(reply.body), /\[SVC-NODEPORT\]/)
  t.equal(((await cluster.admin.get(path)).body.spec as { type: string }).type, 'ClusterIP', 'the stored Service is unchanged')
})
