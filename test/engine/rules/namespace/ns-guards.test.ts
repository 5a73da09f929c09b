import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { loadPolicyDir } from '../../../../src/policy/load.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { contextFor, evaluate, policyWith, type ContextOptions } from '../../../helpers/policy.ts'

const namespace = (name: string, labels?: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels === undefined ? {} : { labels }) } }) as KubeObject
const policy = policyWith('exemptions: { groups: [system:masters] }')
const messages = (rule: string, object: KubeObject, options: ContextOptions = {}, spec = policy) =>
  evaluate(object, contextFor(object, options), spec).filter((violation) => violation.ruleId === rule).map((violation) => violation.message)
const ADMIN = { username: 'root', groups: ['system:masters'] }

t.test('NS-RESERVED-LABELS: setting, changing or removing netguard.io/ignore or openshift.io/run-level is an admin\'s', async (t) => {
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { 'netguard.io/ignore': 'true' })), [
    'setting metadata.labels["netguard.io/ignore"] to "true" is reserved to exempt users and groups: netguard\'s webhooks skip a namespace that carries it'
  ])
  const before = namespace('shop', { team: 'a', 'openshift.io/run-level': '1' })
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { team: 'a', 'openshift.io/run-level': '0' }), { operation: 'UPDATE', oldObject: before }), [
    'changing metadata.labels["openshift.io/run-level"] from "1" to "0" is reserved to exempt users and groups: netguard\'s webhooks skip a namespace that carries it, as OpenShift\'s own admission does'
  ])
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { team: 'a' }), { operation: 'UPDATE', oldObject: before }), [
    'removing metadata.labels["openshift.io/run-level"] is reserved to exempt users and groups: netguard\'s webhooks skip a namespace that carries it, as OpenShift\'s own admission does'
  ])
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { team: 'b', 'openshift.io/run-level': '1' }), { operation: 'UPDATE', oldObject: before }), [], 'kept as it was')
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { 'netguard.io/ignore': 'true' }), ADMIN), [], 'exempt groups may')
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { 'netguard.io/ignore': 7 })), [
    'metadata.labels["netguard.io/ignore"] is the number 7; expected a string',
    'setting metadata.labels["netguard.io/ignore"] to "7" is reserved to exempt users and groups: netguard\'s webhooks skip a namespace that carries it'
  ], 'a value of the wrong type is a finding, and still a value')
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', 'x' as unknown as Record<string, unknown>)), ['metadata.labels is the string "x"; expected an object'])
})

t.test('NS-RESERVED-LABELS: an exempt namespace name is no pass', async (t) => {
  for (const name of ['kube-evil', 'openshift-evil', 'netguard']) {
    t.equal(messages('NS-RESERVED-LABELS', namespace(name, { 'netguard.io/ignore': '' })).length, 1, name)
  }
  t.same(evaluate(namespace('kube-evil', { team: 'x' }), contextFor(namespace('kube-evil'), { cluster: clusterWith([]) }), policy).map((violation) => violation.ruleId), ['NS-EXEMPT-NAME'],
    'every other rule still skips an exempt namespace')
})

t.test('NS-RESERVED-LABELS guards the keys the policy\'s namespace selectors read', async (t) => {
  const spec = policyWith(`exemptions: { namespaceSelector: { matchLabels: { tier: platform } } }
exceptions: [{ name: edge, rules: [SVC-NODEPORT], namespaceSelector: { matchExpressions: [{ key: edge, operator: Exists }, { key: kubernetes.io/metadata.name, operator: Exists }] }, reason: edge nodes }]`)
  const labelled = namespace('shop', { tier: 'platform', edge: '', 'kubernetes.io/metadata.name': 'shop' })
  t.same(messages('NS-RESERVED-LABELS', labelled, {}, spec), [
    'setting metadata.labels["tier"] to "platform" is reserved to exempt users and groups: it decides whether netguard exempts the namespace (spec.exemptions.namespaceSelector)',
    'setting metadata.labels["edge"] to "" is reserved to exempt users and groups: it decides where an exception of the policy applies'
  ], 'a new namespace that would match the exemption selector by its own labels is judged')
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { tier: 'tenant' }), { operation: 'UPDATE', oldObject: namespace('shop', { tier: 'platform' }) }, spec), [
    'changing metadata.labels["tier"] from "platform" to "tenant" is reserved to exempt users and groups: it decides whether netguard exempts the namespace (spec.exemptions.namespaceSelector)'
  ], 'an exempt namespace cannot relabel itself either')
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { 'netguard.io/ignore': 'x' }), {}, policyWith('rules: { NS-RESERVED-LABELS: { labels: [] } }')), [], 'labels: [] guards only the selector keys')
})

t.test('NS-RESERVED-LABELS guards the keys netguard\'s own isolation policies let namespaces in by', async (t) => {
  const bundled = await loadPolicyDir(new URL('../../../../policies/', import.meta.url).pathname)
  // OpenShift's router and monitoring namespaces carry these; a tenant's namespace with one is let
  // into every isolated namespace by netguard-allow-from-ingress / netguard-allow-from-monitoring.
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { 'policy-group.network.openshift.io/ingress': '' }), {}, bundled), [
    'setting metadata.labels["policy-group.network.openshift.io/ingress"] to "" is reserved to exempt users and groups: netguard\'s default isolation lets the namespaces that carry it in (spec.isolation.networkPolicies netguard-allow-from-ingress)'
  ])
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { 'network.openshift.io/policy-group': 'monitoring' }), { operation: 'UPDATE', oldObject: namespace('shop', { 'network.openshift.io/policy-group': 'x' }) }, bundled), [
    'changing metadata.labels["network.openshift.io/policy-group"] from "x" to "monitoring" is reserved to exempt users and groups: netguard\'s default isolation lets the namespaces that carry it in (spec.isolation.networkPolicies netguard-allow-from-monitoring)'
  ])
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { 'network.openshift.io/policy-group': 'monitoring' }), ADMIN, bundled), [], 'exempt groups may')

  const custom = policyWith(`exemptions: { groups: [system:masters] }
isolation:
  label: netguard.io/isolation
  value: default-deny
  networkPolicies:
    - name: allow-dns
      spec: { podSelector: {}, policyTypes: [Egress], egress: [{ to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: openshift-dns } } }] }] }
    - name: allow-partners
      spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: { matchExpressions: [{ key: partner, operator: Exists }] }, podSelector: { matchLabels: { app: gateway } } }] }] }`)
  t.same(messages('NS-RESERVED-LABELS', namespace('shop', { partner: 'yes', 'kubernetes.io/metadata.name': 'shop', app: 'gateway' }), {}, custom), [
    'setting metadata.labels["partner"] to "yes" is reserved to exempt users and groups: netguard\'s default isolation lets the namespaces that carry it in (spec.isolation.networkPolicies allow-partners)'
  ], 'the keys of every namespaceSelector in the configured policies; not the name label, which nobody chooses, nor pod labels')
})

t.test('NS-EXEMPT-NAME: only exempt users and groups create a namespace under an exempt name', async (t) => {
  t.same(messages('NS-EXEMPT-NAME', namespace('kube-evil')), [
    'metadata.name kube-evil is a namespace netguard exempts by name (kube-*, openshift-*, netguard), which only exempt users and groups may create'
  ])
  t.equal(messages('NS-EXEMPT-NAME', namespace('openshift-evil')).length, 1)
  t.same(messages('NS-EXEMPT-NAME', namespace('shop')), [])
  t.same(messages('NS-EXEMPT-NAME', namespace('kube-evil'), ADMIN), [])
  t.same(messages('NS-EXEMPT-NAME', namespace('kube-system', { team: 'x' }), { operation: 'UPDATE', oldObject: namespace('kube-system') }), [], 'an existing one is not re-judged')
  t.same(messages('NS-EXEMPT-NAME', { apiVersion: 'v1', kind: 'Namespace', metadata: { labels: {} } }), [], 'no name, nothing to judge')
})

t.test('the bundled policy exempts exact platform identities only: GitOps\' Argo CD is judged', async (t) => {
  const bundled = await loadPolicyDir(new URL('../../../../policies/', import.meta.url).pathname)
  const nodePort: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } }
  const as = (username: string, groups: string[] = ['system:serviceaccounts', 'system:authenticated']) =>
    evaluate(nodePort, contextFor(nodePort, { username, groups }), bundled).map((violation) => `${violation.action} ${violation.ruleId}`)
  t.same(as('system:serviceaccount:openshift-gitops:openshift-gitops-argocd-application-controller', ['system:serviceaccounts', 'system:serviceaccounts:openshift-gitops', 'system:authenticated']),
    ['deny SVC-NODEPORT'], 'OpenShift GitOps applies tenants\' manifests')
  t.same(as('system:serviceaccount:openshift-operators:some-operator'), ['deny SVC-NODEPORT'])
  t.same(as('system:serviceaccount:kube-system:horizontal-pod-autoscaler'), ['deny SVC-NODEPORT'], 'no kube-system glob either')
  t.same(as('system:serviceaccount:kube-system:replicaset-controller'), [], 'a named template copier')
  t.same(as('system:serviceaccount:openshift-cluster-version:default'), [])
  const platform = { ...nodePort, metadata: { name: 'web', namespace: 'openshift-ingress' } }
  t.same(evaluate(platform, contextFor(platform, { username: 'alice' }), bundled), [], 'exempt by namespace first')
  for (const pattern of [...bundled.exemptions.users.patterns, ...bundled.exemptions.groups.patterns]) {
    t.ok(!pattern.slice(0, -1).includes('*') && !pattern.includes('?'), `${pattern}: an exact name or a prefix`)
  }
  t.ok(bundled.exemptions.users.patterns.filter((pattern) => pattern.includes('*')).every((pattern) => pattern === 'system:serviceaccount:netguard:*'),
    'only netguard\'s own service accounts by prefix')
})
