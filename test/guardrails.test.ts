import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { buildConfig } from '../src/config.ts'
import { ADMIN_NETWORK_POLICIES, EGRESS_IPS, NAMESPACES, NETWORK_ATTACHMENT_DEFINITIONS, SERVICES } from '../src/kube/resources.ts'
import type { KubeObject } from '../src/kube/types.ts'
import { startServer } from '../src/server.ts'
import { FakeApiServer } from './helpers/fake-apiserver.ts'
import { FAST_TUNING, isolatedNamespace } from './helpers/cluster.ts'
import { httpsRequest } from './helpers/https.ts'
import { capturedLogger, namespaceObject, reviewOf, service, type ReviewOptions } from './helpers/review.ts'
import { testCertificates } from './helpers/tls.ts'
import { until } from './helpers/wait.ts'

// Issue 12: the bypasses found in review, each through the real HTTPS server with the bundled
// policies (plus the one grant a tenant would have: payments may use macvlan on eth1 in
// 192.168.50.0/24). Every request here was allowed, or answered "could not evaluate", before.

const POLICIES = new URL('../policies/', import.meta.url)
const GRANT = 'perNamespace: &per-namespace [{ namespaces: [payments], cniTypes: [macvlan], interfaces: [eth1], cidrs: [192.168.50.0/24] }]'

function bundledWithGrant (): Record<string, string> {
  const files = Object.fromEntries(readdirSync(POLICIES).filter((file) => file.endsWith('.yaml')).map((file) => [file, readFileSync(new URL(file, POLICIES), 'utf8')]))
  const multus = files['multus.yaml'] ?? ''
  if (!multus.includes('perNamespace: &per-namespace []')) throw new Error('policies/multus.yaml no longer has the per-namespace anchor this test grants through')
  return { ...files, 'multus.yaml': multus.replace('perNamespace: &per-namespace []', GRANT) }
}

interface Answer {
  readonly allowed: boolean
  readonly status?: { readonly message: string }
  readonly warnings?: readonly string[]
  readonly auditAnnotations?: Readonly<Record<string, string>>
}

const nad = (namespace: string, config: string, name = 'net'): KubeObject =>
  ({ apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, namespace }, spec: { config } })
const pod = (namespace: string, networks: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace, annotations: { 'k8s.v1.cni.cncf.io/networks': networks } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } })
const named = (namespace: string, name: string, annotations: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, annotations }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } })
const MACVLAN = '"cniVersion": "1.0.0", "type": "macvlan", "master": "eth1", "ipam": {"type": "whereabouts", "range": "192.168.50.0/26"}'

t.test('nothing gets past the guardrails, through the real HTTPS server with the bundled policies', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  for (const name of ['netguard', 'shop', 'bank', 'payments']) fake.put(NAMESPACES, isolatedNamespace(name))
  fake.put(SERVICES, named('bank', 'www', { 'external-dns.alpha.kubernetes.io/hostname': 'www.example.com' }))
  fake.put(NETWORK_ATTACHMENT_DEFINITIONS, nad('payments', `{${MACVLAN}}`, 'db-net'))
  fake.put(EGRESS_IPS, { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name: 'bank-egress' }, spec: { egressIPs: ['192.0.2.10'], namespaceSelector: { matchLabels: { team: 'bank' } } } })
  fake.put(ADMIN_NETWORK_POLICIES, {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name: 'pci-deny' },
    spec: { priority: 10, subject: { namespaces: { matchLabels: { compliance: 'pci' } } }, ingress: [{ name: 'deny', action: 'Deny', from: [{ namespaces: {} }] }] }
  })
  const certs = await testCertificates()
  const dir = t.testdir({ policies: bundledWithGrant(), kube: {} })
  const config = buildConfig({
    port: '0', host: '127.0.0.1', cert: certs.certFile, key: certs.keyFile, policies: join(dir, 'policies'), kubeconfig: fake.writeKubeconfig(join(dir, 'kube'))
  }, {})
  const log = capturedLogger()
  const server = await startServer(config, log.logger, { clusterTuning: FAST_TUNING })
  t.teardown(() => server.close())
  await until('the caches', () => Object.values(server.cluster.cacheStates()).every((state) => state === 'synced'))

  const validate = async (object: KubeObject, options: ReviewOptions = {}): Promise<Answer> => {
    const reply = await httpsRequest(server.port, '/validate', { ca: certs.caPem, body: reviewOf(object, options) })
    t.equal(reply.status, 200)
    return (JSON.parse(reply.body) as { response: Answer }).response
  }

  t.test('1. embedded JSON is judged as Go reads it', async (t) => {
    t.match(await validate(nad('payments', `{${MACVLAN}}`)), { allowed: true }, 'the tenant\'s own macvlan on eth1')
    const hostDevice = await validate(nad('payments', `{${MACVLAN}, "Type": "host-device"}`))
    t.equal(hostDevice.allowed, false)
    t.match(hostDevice.status?.message, /\[NAD-CNI-TYPE\] spec\.config\.type host-device is not an allowed CNI plugin in namespace payments/)
    t.match(hostDevice.status?.message, /\[NAD-CONFIG\] spec\.config\.Type is read as spec\.config\.type by Go/)
    const eth9 = await validate(nad('payments', `{${MACVLAN}, "Master": "eth9"}`))
    t.match(eth9, { allowed: false, status: { message: /\[NAD-MASTER\] spec\.config\.master eth9 is not an allowed interface in namespace payments/ } })
    t.match(await validate(pod('payments', '[{"name": "db-net"}]')), { allowed: true }, 'its own network')
    const billing = await validate(pod('payments', '[{"name": "db-net", "Namespace": "billing"}]'))
    t.match(billing, { allowed: false, status: { message: /names billing\/db-net, a NetworkAttachmentDefinition in another namespace/ } })
  })

  t.test('2. the ignore label and run-level are an admin\'s, and an exempt name is no pass', async (t) => {
    const ignored = await validate(namespaceObject('team-x', { 'netguard.io/ignore': 'true' }))
    t.match(ignored, { allowed: false, status: { message: /^\[NS-RESERVED-LABELS\] setting metadata\.labels\["netguard\.io\/ignore"\] to "true" is reserved to exempt users and groups/ } })
    t.match(await validate(namespaceObject('team-x', { 'netguard.io/ignore': 'true' }), { username: 'root', groups: ['system:masters'] }), { allowed: true }, 'an exempt group may')
    const before = namespaceObject('shop', { 'netguard.io/isolation': 'default-deny', 'openshift.io/run-level': '1' })
    const removed = await validate(namespaceObject('shop', { 'netguard.io/isolation': 'default-deny' }), { operation: 'UPDATE', oldObject: before })
    t.match(removed, { allowed: false, status: { message: /removing metadata\.labels\["openshift\.io\/run-level"\] is reserved/ } })
    const evil = await validate(namespaceObject('kube-evil', { 'netguard.io/ignore': 'true' }))
    t.equal(evil.allowed, false)
    t.match(evil.status?.message, /\[NS-RESERVED-LABELS\] setting metadata\.labels\["netguard\.io\/ignore"\]/)
    t.match(evil.status?.message, /\[NS-EXEMPT-NAME\] metadata\.name kube-evil is a namespace netguard exempts by name/)
  })

  t.test('3. OpenShift GitOps\' Argo CD is judged like the tenant whose manifest it applies', async (t) => {
    const gitops = {
      username: 'system:serviceaccount:openshift-gitops:openshift-gitops-argocd-application-controller',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:openshift-gitops', 'system:authenticated']
    }
    t.match(await validate(service({ type: 'NodePort', ports: [{ port: 80 }] }), gitops), {
      allowed: false,
      status: { message: '[SVC-NODEPORT] spec.type NodePort is not allowed in namespace shop; use a Route or a ClusterIP Service' }
    })
    t.match(await validate(service({ type: 'NodePort', ports: [{ port: 80 }] }), { username: 'system:serviceaccount:kube-system:replicaset-controller' }), { allowed: true })
  })

  t.test('4. selectors are judged by what they select', async (t) => {
    const everyNamespace = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] }
    const egressIp = { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name: 'shop-egress' }, spec: { egressIPs: [], namespaceSelector: everyNamespace } }
    t.match(await validate(egressIp), { allowed: false, status: { message: /^\[EGRESSIP-SELECTOR\] spec\.namespaceSelector selects every namespace/ } })
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'from-all', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } }] }] }
    }
    t.match(await validate(policy), { allowed: true, warnings: [/^\[NETPOL-ALL-NAMESPACES\] spec\.ingress\[0\]\.from\[0\]\.namespaceSelector selects every namespace but kube-system/] })
  })

  t.test('5. a tenant learns that a name or range is taken, the admin by whom', async (t) => {
    const before = log.records().length
    const dns = await validate(named('shop', 'mine', { 'external-dns.alpha.kubernetes.io/hostname': 'www.example.com' }))
    t.match(dns, { allowed: false, status: { message: /www\.example\.com is already claimed by a Service in another namespace/ } })
    const overlap = await validate(nad('shop', `{${MACVLAN}}`))
    t.match(overlap.status?.message, /\[NAD-IPAM-OVERLAP\] spec\.config\.ipam\.range 192\.168\.50\.0\/26 overlaps the addresses of a NetworkAttachmentDefinition in another namespace/)
    for (const answer of [dns, overlap]) {
      t.notMatch(JSON.stringify([answer.status, answer.warnings]), /bank|payments\/db-net|www\b(?!\.example)/, 'the client never sees the holder')
    }
    t.match(JSON.parse(dns.auditAnnotations?.violations ?? '[]'), [{ rule: 'SVC-EXTERNAL-DNS-UNIQUE', action: 'deny', detail: 'held by Service bank/www' }], 'the audit annotation names it')
    const annotated = JSON.parse(overlap.auditAnnotations?.violations ?? '[]') as { rule: string, detail?: string }[]
    t.match(annotated.find((violation) => violation.rule === 'NAD-IPAM-OVERLAP'), { detail: 'held by NetworkAttachmentDefinition payments/db-net' })
    const lines = log.records().slice(before).filter((record) => record.msg === 'review')
    t.match(lines, [
      { namespace: 'shop', verdict: 'denied', details: [{ rule: 'SVC-EXTERNAL-DNS-UNIQUE', field: 'metadata.annotations["external-dns.alpha.kubernetes.io/hostname"]', detail: 'held by Service bank/www' }] },
      { namespace: 'shop', verdict: 'denied', details: [{ rule: 'NAD-IPAM-OVERLAP', detail: 'held by NetworkAttachmentDefinition payments/db-net' }] }
    ], 'and so does the log line')
  })

  t.test('6. a wrong type is a finding with the field and the type expected, never "could not evaluate"', async (t) => {
    const answer = await validate(service({ type: 'LoadBalancer', loadBalancerSourceRanges: '10.0.0.0/8', ports: [{ port: 443 }] }))
    t.equal(answer.allowed, false)
    t.match(answer.status?.message, /^\[SVC-LOADBALANCER\] spec\.loadBalancerSourceRanges is the string "10\.0\.0\.0\/8"; expected a list; write spec\.loadBalancerSourceRanges as a list/)
    t.notMatch(answer.status?.message, /could not evaluate|report the object/)
  })

  t.test('7. a label a cluster-scoped network object selects by is an admin\'s; the tenant is not told whose object', async (t) => {
    const joined = await validate(isolatedNamespace('shop', { team: 'bank' }), { operation: 'UPDATE', oldObject: isolatedNamespace('shop') })
    t.match(joined, { allowed: false, status: { message: /^\[NS-SELECTED-LABELS\] setting metadata\.labels\["team"\] to "bank" is reserved to exempt users and groups: an EgressIP selects namespaces by it/ } })
    t.notMatch(JSON.stringify([joined.status, joined.warnings]), /bank-egress/, 'the client never sees the EgressIP\'s name')
    t.match(JSON.parse(joined.auditAnnotations?.violations ?? '[]'), [{ rule: 'NS-SELECTED-LABELS', action: 'deny', detail: 'selected by EgressIP bank-egress (spec.namespaceSelector)' }], 'the admin does')
    const escaped = await validate(isolatedNamespace('bank'), {
      operation: 'UPDATE', oldObject: isolatedNamespace('bank', { compliance: 'pci' })
    })
    t.match(escaped, { allowed: false, status: { message: /removing metadata\.labels\["compliance"\] is reserved to exempt users and groups: an AdminNetworkPolicy selects namespaces by it/ } })
    t.match(await validate(isolatedNamespace('shop', { app: 'shop' }), { operation: 'UPDATE', oldObject: isolatedNamespace('shop') }), { allowed: true }, 'a key nobody selects by')
    t.match(await validate(namespaceObject('shop', { team: 'bank' }), { operation: 'UPDATE', oldObject: isolatedNamespace('shop'), username: 'root', groups: ['system:masters'] }), { allowed: true }, 'an exempt group may')
  })
})
