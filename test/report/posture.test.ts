import t from 'tap'
import type { Review } from '../../src/engine/review.ts'
import { familyOf } from '../../src/report/families.ts'
import { buildPosture, DEFAULT_DOCS_URL, type PostureInput } from '../../src/report/posture.ts'
import { RULE_DOCS } from '../../src/report/rule-docs.ts'
import { auditReviewed, REPORT_CLUSTER, reportPolicy } from './fixture.ts'

const policy = await reportPolicy()
const NOW = new Date('2026-11-26T12:00:00Z')
const input = (overrides: Partial<PostureInput> = {}): PostureInput => ({
  front: 'audit', source: 'test cluster', generatedAt: NOW, policy, mode: 'enforce', reviewed: auditReviewed(REPORT_CLUSTER, policy), adminDetail: true, ...overrides
})
const posture = buildPosture(input())

t.test('the headline counts objects by what enforcing would do, and isolated namespaces among the non-exempt', async (t) => {
  t.match(posture, { apiVersion: 'netguard.io/v1alpha1', kind: 'PostureReport', generatedAt: '2026-11-26T12:00:00.000Z', front: 'audit', mode: 'enforce' })
  const { summary } = posture
  t.equal(summary.objects, REPORT_CLUSTER.length)
  t.equal(summary.objects, summary.denied + summary.warned + summary.passed + summary.exempt, 'every object counted once')
  t.equal(summary.exempt, 11, 'openshift-ingress: its Namespace and its Service; the 9 default policies exactly as netguard writes them')
  t.same(posture.findings.filter((finding) => finding.kind === 'NetworkPolicy' && finding.name === 'netguard-allow-same-namespace' && finding.ns === 'payments').map((finding) => finding.rule).sort(),
    ['NETPOL-ALLOW-ALL-INGRESS', 'NETPOL-MANAGED'], 'the one changed by hand is not netguard\'s')
  t.equal(summary.warned, 1, 'legacy: its Namespace would be labelled')
  t.same(summary.namespaces, { isolated: 2, partial: 1, 'not-isolated': 1, exempt: 1, terminating: 0, unknown: 0, total: 5 })
  t.equal(summary.isolatedShare, 0.5, 'shop and data of shop, data, payments and legacy')
  t.equal(summary.findings.waived, 1)
  t.equal(summary.findings.patch, 1)
})

t.test('isolation is judged as the reconciler judges it: label, exemption, every default policy as it keeps it', async (t) => {
  const byName = new Map(posture.namespaces.map((namespace) => [namespace.name, namespace]))
  t.equal(byName.get('shop')?.isolation, 'isolated')
  t.equal(byName.get('legacy')?.isolation, 'not-isolated')
  t.equal(byName.get('openshift-ingress')?.isolation, 'exempt')
  t.match(byName.get('payments'), { isolation: 'partial', missing: ['netguard-allow-same-namespace (spec)', 'netguard-allow-from-ingress', 'netguard-allow-from-monitoring'] })
  t.same(posture.isolation, { label: 'netguard.io/isolation', value: 'default-deny', networkPolicies: ['netguard-deny-by-default', 'netguard-allow-same-namespace', 'netguard-allow-from-ingress', 'netguard-allow-from-monitoring'] })
})

t.test('check: a namespace named by objects but not given is unknown; given state counts for isolation', async (t) => {
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'elsewhere' }, spec: { ports: [{ port: 80 }] } }
  const shop = REPORT_CLUSTER.filter((object) => object.metadata?.name === 'shop' || object.metadata?.namespace === 'shop')
  const [namespaceShop, ...inShop] = shop
  const document = buildPosture(input({ front: 'check', reviewed: auditReviewed([service, namespaceShop!], policy), known: inShop, adminDetail: false }))
  t.match(document.namespaces.map(({ name, isolation }) => ({ name, isolation })), [{ name: 'elsewhere', isolation: 'unknown' }, { name: 'shop', isolation: 'isolated' }])
  t.equal(document.summary.isolatedShare, 1, 'unknown namespaces are left out of the share')
  t.equal(document.summary.namespaces.unknown, 1)
  t.equal(document.networks.length, 0, 'known objects that are not attachments add no network')
})

t.test('each matrix cell holds the worst state of its family in the namespace, and its number of findings', async (t) => {
  const cells = Object.fromEntries(posture.namespaces.map((namespace) => [namespace.name, namespace.cells]))
  t.same(cells.shop?.services, { state: 'waived', findings: 1 }, 'an exception waives the NodePort')
  t.same(cells.shop?.routes, { state: 'pass', findings: 0 })
  t.same(cells.legacy?.egress, { state: 'deny', findings: 2 }, 'EFW-ALLOW-WORLD denies, NETPOL-EGRESS-CIDR warns: deny is worse')
  t.same(cells['openshift-ingress']?.services, { state: 'exempt', findings: 0 })
  t.notOk('ingresses' in (cells.shop ?? {}), 'no rule of a family looked: no cell')
  t.same(posture.families.map((family) => family.id), ['services', 'routes', 'ingresses', 'network-policies', 'multus', 'egress', 'host'])
})

t.test('findings carry rule, field, message and fix, worst first; the admin-only detail only when asked', async (t) => {
  t.match(posture.findings[0], { action: 'deny' })
  t.match(posture.findings.at(-1), { action: 'waived', ns: 'shop', kind: 'Service', name: 'web', rule: 'SVC-NODEPORT', message: 'waived by exception shop-edge' })
  t.match(posture.findings.find((finding) => finding.rule === 'ROUTE-TLS'), {
    ns: 'legacy', kind: 'Route', name: 'old-site', action: 'deny', path: 'spec.tls', message: /plain HTTP/, fix: /./
  })
  t.match(posture.findings.find((finding) => finding.rule === 'NS-ISOLATION'), { action: 'patch', ns: 'legacy', message: 'adds label netguard.io/isolation=default-deny' })
  t.notOk(posture.findings.some((finding) => finding.ns === 'openshift-ingress'), 'what audit reports exempt has no findings')

  // Two Routes claim one host: ROUTE-HOST-OWNERSHIP names the holder in the admin-only detail.
  const claim = (ns: string): typeof REPORT_CLUSTER[number] => ({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'claim', namespace: ns }, spec: { host: 'claimed.apps.example.com', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge' } } })
  const objects = [...REPORT_CLUSTER, claim('shop'), claim('data')]
  const admin = buildPosture(input({ reviewed: auditReviewed(objects, policy) }))
  const tenant = buildPosture(input({ reviewed: auditReviewed(objects, policy), adminDetail: false }))
  t.match(admin.findings.find((finding) => finding.rule === 'ROUTE-HOST-OWNERSHIP'), { detail: /./ })
  t.notOk(tenant.findings.some((finding) => 'detail' in finding), 'no detail for a report a tenant may read')
})

t.test('rules link to their section of docs/rules, under the default or the given base URL', async (t) => {
  t.match(posture.rules['SVC-NODEPORT'], { family: 'services', summary: /NodePort/, doc: `${DEFAULT_DOCS_URL}services-and-namespaces.md#svc-nodeport-deny` })
  const mirrored = buildPosture(input({ docsUrl: 'https://git.example.com/netguard/docs/rules' }))
  t.equal(mirrored.rules['ROUTE-TLS']?.doc, `https://git.example.com/netguard/docs/rules/${RULE_DOCS['ROUTE-TLS'] ?? ''}`)
})

t.test('exposures: read from the objects, with the verdict of the rules that judge them, sorted by risk, exempt last', async (t) => {
  t.same(posture.exposures.map((exposure) => `${exposure.ns}/${exposure.name} ${exposure.type}`), [
    'legacy/hijack external-ip',
    'legacy/lb loadbalancer-world',
    'legacy/halves ingress-from-world',
    'legacy/sniffer host-network',
    'shop/web nodeport',
    'legacy/sniffer host-port',
    'payments/netguard-allow-same-namespace ingress-from-all',
    'legacy/catch-all ingress-plain-http',
    'legacy/old-site route-plain-http',
    'legacy/catch-all ingress-wildcard',
    'legacy/everything route-wildcard',
    'legacy/partner loadbalancer-ranges',
    'legacy/default egressfirewall-world',
    'legacy/halves egress-world',
    'openshift-ingress/router nodeport'
  ])
  const find = (name: string, type: string): typeof posture.exposures[number] | undefined => posture.exposures.find((exposure) => exposure.name === name && exposure.type === type)
  t.match(find('lb', 'loadbalancer-world'), { level: 'high', what: 'ports 443/TCP from any address (no source ranges); node ports 31443/TCP', verdict: 'SVC-LOADBALANCER: deny' })
  t.match(find('halves', 'ingress-from-world'), { what: 'from 0.0.0.0/1, 128.0.0.0/1, ports 8443/TCP', verdictState: 'deny' }, 'a world split in two is the world')
  t.match(find('web', 'nodeport'), { what: 'on every node: 30080/TCP', verdictState: 'waived' })
  t.match(find('sniffer', 'host-port'), { what: 'host ports 53/UDP on its node', verdict: 'POD-HOSTPORT: pass' }, 'a fact is listed even where the policy lets it be')
  t.match(find('router', 'nodeport'), { verdictState: 'exempt' })
  t.same(posture.summary.exposures, { high: 5, medium: 7, low: 2 }, 'exempt namespaces are not counted')
})

t.test('the multus map shows what Go reads from spec.config, and which namespaces ask for each network', async (t) => {
  t.same(posture.networks, [{
    ns: 'data',
    name: 'storage',
    plugins: [{ type: 'macvlan', attaches: 'master=eth1.120', vlan: '120 (eth1.120)', ipam: 'whereabouts', ranges: ['192.168.120.0/24'] }],
    attachedBy: { data: 1, shop: 1 }
  }], '"Master" is master to Go; "Namespace" in the annotation is namespace')
  const broken = { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'node-file', namespace: 'data' }, spec: {} }
  const document = buildPosture(input({ reviewed: auditReviewed([broken], policy) }))
  t.match(document.networks, [{ name: 'node-file', plugins: [], problem: /no spec\.config/, attachedBy: {} }])
})

t.test('a rule of a family no table entry names lands in other, and the column appears', async (t) => {
  t.equal(familyOf('UDN-SUBNETS').id, 'multus')
  t.equal(familyOf('NS-UDN-LABEL').id, 'multus', 'the longest prefix wins over NS-')
  t.equal(familyOf('NETPOL-EGRESS-CIDR').id, 'egress')
  t.equal(familyOf('ZZ-NEW').id, 'other')
  const [first] = auditReviewed([REPORT_CLUSTER[0]!], policy)
  const review: Review = { ...first!.review, rules: [{ ruleId: 'ZZ-NEW', point: 'validate', status: 'fail', violations: [{ ruleId: 'ZZ-NEW', action: 'deny', path: 'spec', message: 'new', fix: 'fix' }] }] }
  const document = buildPosture(input({ reviewed: [{ object: first!.object, review }] }))
  t.equal(document.families.at(-1)?.id, 'other')
  t.same(document.namespaces[0]?.cells.other, { state: 'deny', findings: 1 })
  t.match(document.rules['ZZ-NEW'], { family: 'other', summary: '' })
})

t.test('a rule that failed to run is an error finding and counts with its action', async (t) => {
  const [first] = auditReviewed([REPORT_CLUSTER[0]!], policy)
  const violation = { ruleId: 'SVC-NODEPORT', action: 'deny' as const, path: '', message: 'rule could not evaluate this object (boom)', fix: 'report it' }
  const review: Review = {
    ...first!.review,
    decision: { ...first!.review.decision, allowed: false, violations: [violation], denials: [violation] },
    rules: [{ ruleId: 'SVC-NODEPORT', point: 'validate', status: 'error', violations: [violation] }]
  }
  const document = buildPosture(input({ reviewed: [{ object: first!.object, review }] }))
  t.match(document.findings, [{ action: 'error', rule: 'SVC-NODEPORT' }])
  t.equal(document.summary.denied, 1)
  t.same(document.namespaces[0]?.cells.services, { state: 'error', findings: 1 })
})
