import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import type { Violation } from '../../../../src/engine/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { contextFor, evaluate, policyWith, type ContextOptions } from '../../../helpers/policy.ts'

const namespace = (name: string, labels?: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels === undefined ? {} : { labels }) } }) as KubeObject
const egressIp = (name: string, namespaceSelector: unknown): KubeObject =>
  ({ apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name }, spec: { egressIPs: ['192.0.2.10'], namespaceSelector, podSelector: { matchLabels: { app: 'web' } } } })
const cudn = (name: string, namespaceSelector: unknown): KubeObject =>
  ({ apiVersion: 'k8s.ovn.org/v1', kind: 'ClusterUserDefinedNetwork', metadata: { name }, spec: { namespaceSelector, network: { topology: 'Layer2', layer2: { role: 'Secondary', subnets: ['10.200.0.0/16'] } } } })
const anp = (name: string, spec: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec: { priority: 10, ...spec } })
const banp = (spec: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec })

const CLUSTER: readonly KubeObject[] = [
  egressIp('blue-egress', { matchLabels: { team: 'blue' } }),
  cudn('blue-net', { matchExpressions: [{ key: 'network', operator: 'In', values: ['blue'] }] }),
  anp('pci-deny', {
    subject: { namespaces: { matchExpressions: [{ key: 'compliance', operator: 'NotIn', values: ['none'] }, { key: 'kubernetes.io/metadata.name', operator: 'Exists' }] } },
    ingress: [{ name: 'scrape', action: 'Allow', from: [{ pods: { namespaceSelector: { matchLabels: { monitoring: 'allowed' } }, podSelector: { matchLabels: { scrape: 'yes' } } } }] }],
    egress: [{ name: 'no-db', action: 'Deny', to: [{ namespaces: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }] }]
  }),
  anp('quarantine', { subject: { pods: { namespaceSelector: { matchExpressions: [{ key: 'quarantine', operator: 'DoesNotExist' }] }, podSelector: {} } } }),
  banp({ subject: { namespaces: {} }, egress: [{ name: 'backup', action: 'Allow', to: [{ namespaces: { matchLabels: { backup: 'nightly', team: 'blue' } } }] }] })
]
const policy = policyWith('exemptions: { groups: [system:masters] }')
const ADMIN = { username: 'root', groups: ['system:masters'] }

function found (object: KubeObject, options: ContextOptions & { readonly state?: readonly KubeObject[] } = {}, spec = policy): Violation[] {
  const context = contextFor(object, { cluster: clusterWith(options.state ?? CLUSTER), ...options })
  return evaluate(object, context, spec).filter((violation) => violation.ruleId === 'NS-SELECTED-LABELS')
}
const update = (from: Record<string, unknown>, to: Record<string, unknown>, options: ContextOptions = {}): Violation[] =>
  found(namespace('shop', to), { operation: 'UPDATE', oldObject: namespace('shop', from), ...options })

t.test('adding a label an EgressIP selects by is denied; the tenant learns the kind, the admin the object', async (t) => {
  t.same(update({ app: 'shop' }, { app: 'shop', team: 'blue' }), [{
    ruleId: 'NS-SELECTED-LABELS',
    action: 'deny',
    path: 'metadata.labels["team"]',
    message: 'setting metadata.labels["team"] to "blue" is reserved to exempt users and groups: an EgressIP selects namespaces by it (the source address their pods leave the cluster with); the BaselineAdminNetworkPolicy selects namespaces by it (the cluster\'s default rules for them)',
    fix: 'leave the label as it was; a cluster admin (an exempt user or group) sets it, or use a label key no cluster network object selects by',
    detail: 'selected by EgressIP blue-egress (spec.namespaceSelector), BaselineAdminNetworkPolicy default (spec.egress[0].to[0].namespaces)'
  }])
})

t.test('per key: a value no object selects today is reserved too, and so are changing and removing', async (t) => {
  t.match(update({}, { team: 'red' }), [{ message: /^setting metadata\.labels\["team"\] to "red" is reserved/ }], 'team=red selects nothing yet')
  t.match(update({ team: 'red' }, { team: 'blue' }), [{ message: /^changing metadata\.labels\["team"\] from "red" to "blue" is reserved/ }])
  t.match(update({ team: 'blue' }, {}), [{ message: /^removing metadata\.labels\["team"\] is reserved/ }])
  t.same(update({ team: 'blue', app: 'a' }, { team: 'blue', app: 'b' }), [], 'a selected label kept as it was')
})

t.test('every kind and every selector of an admin policy: subject, subject pods, ingress and egress peers', async (t) => {
  const cases: readonly [string, string, string][] = [
    ['network', 'a ClusterUserDefinedNetwork selects', 'ClusterUserDefinedNetwork blue-net (spec.namespaceSelector)'],
    ['compliance', 'an AdminNetworkPolicy selects', 'AdminNetworkPolicy pci-deny (spec.subject.namespaces)'],
    ['quarantine', 'an AdminNetworkPolicy selects', 'AdminNetworkPolicy quarantine (spec.subject.pods.namespaceSelector)'],
    ['monitoring', 'an AdminNetworkPolicy selects', 'AdminNetworkPolicy pci-deny (spec.ingress[0].from[0].pods.namespaceSelector)'],
    ['tier', 'an AdminNetworkPolicy selects', 'AdminNetworkPolicy pci-deny (spec.egress[0].to[0].namespaces)'],
    ['backup', 'the BaselineAdminNetworkPolicy selects', 'BaselineAdminNetworkPolicy default (spec.egress[0].to[0].namespaces)']
  ]
  for (const [key, kind, detail] of cases) {
    t.match(update({}, { [key]: 'x' }), [{ path: `metadata.labels["${key}"]`, message: new RegExp(`reserved to exempt users and groups: ${kind} namespaces by it`), detail: `selected by ${detail}` }], key)
    t.equal(update({ [key]: 'x' }, {}).length, 1, `removing ${key}: leaving a NotIn, DoesNotExist or In selector alike`)
  }
})

t.test('what is free: keys nobody selects by, pod selector keys, the name label, the isolation label, allowedLabels', async (t) => {
  t.same(update({}, { app: 'shop', scrape: 'yes', 'kubernetes.io/metadata.name': 'shop', 'netguard.io/isolation': 'default-deny' }), [])
  t.same(found(namespace('shop', { app: 'shop' })), [], 'a new namespace with free labels')
  const offered = policyWith('rules: { NS-SELECTED-LABELS: { allowedLabels: [team] } }')
  t.same(found(namespace('shop', { team: 'blue' }), {}, offered), [], 'a key an admin offers tenants')
  t.equal(found(namespace('shop', { network: 'blue' }), {}, offered).length, 1, 'the others stay reserved')
  t.same(update({}, { team: 'blue' }, { cluster: clusterWith([egressIp('all', {}), egressIp('broken', { matchLabels: 'team' })]) }), [],
    'a selector without keys, or one the API server would refuse, reads no key')
})

t.test('CREATE: a new namespace may not carry a selected label either', async (t) => {
  t.match(found(namespace('shop', { team: 'blue', app: 'shop' })), [{ path: 'metadata.labels["team"]', message: /^setting metadata\.labels\["team"\] to "blue"/ }])
})

t.test('exempt users and groups may; an exempt namespace name is no pass', async (t) => {
  t.same(update({}, { team: 'blue' }, ADMIN), [])
  t.equal(found(namespace('kube-evil', { team: 'blue' })).length, 1)
})

t.test('unknown cluster state: whenUnknown answers a label change, and nothing else is affected', async (t) => {
  const unknown = clusterWith(CLUSTER, [{ group: 'policy.networking.k8s.io', kind: 'AdminNetworkPolicy' }])
  t.same(update({}, { team: 'blue' }, { cluster: unknown }), [{
    ruleId: 'NS-SELECTED-LABELS',
    action: 'warn',
    path: '',
    message: 'existing AdminNetworkPolicy objects are not known yet, so this could not be checked',
    fix: 'retry once netguard has synced its cluster caches'
  }])
  t.match(found(namespace('shop', { app: 'shop' }), { cluster: undefined }), [{ action: 'warn', message: /not known \(no cluster state was given\)/ }], 'no cluster at all (netguard check offline)')
  t.match(update({}, { team: 'blue' }, { cluster: unknown }), [{ action: 'warn' }])
  t.match(found(namespace('shop', { app: 'shop' }), { cluster: unknown }, policyWith('rules: { NS-SELECTED-LABELS: { whenUnknown: deny } }')), [{ action: 'deny', message: /not known yet/ }])
  t.same(update({ app: 'shop' }, { app: 'shop' }, { cluster: unknown }), [], 'an update that changes no label')
  t.same(update({}, { 'netguard.io/isolation': 'default-deny' }, { cluster: unknown }), [], 'nor one that changes only free labels')
  t.same(found(namespace('shop', { team: 'blue' }), { state: [] }), [], 'a cluster without such objects (or without their CRDs) selects nothing')
})

t.test('the admin detail names five objects at most', async (t) => {
  const many = Array.from({ length: 7 }, (_, index) => egressIp(`e${index}`, { matchLabels: { team: `t${index}` } }))
  t.match(update({}, { team: 'x' }, { cluster: clusterWith(many) }), [{
    detail: 'selected by EgressIP e0 (spec.namespaceSelector), EgressIP e1 (spec.namespaceSelector), EgressIP e2 (spec.namespaceSelector), EgressIP e3 (spec.namespaceSelector), EgressIP e4 (spec.namespaceSelector) and 2 more'
  }])
})
