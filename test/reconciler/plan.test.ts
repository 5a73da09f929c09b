import t from 'tap'
import { desiredNetworkPolicies } from '../../src/engine/isolation.ts'
import { namespaceVerdict } from '../../src/reconciler/desired.ts'
import { plan } from '../../src/reconciler/plan.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { policyWith } from '../helpers/policy.ts'

const policy = policyWith()
const desired = desiredNetworkPolicies('shop', policy.shared.isolation)
/** What the API server hands back for a desired object: defaults, server metadata, maybe others' labels. */
const asStored = (object: KubeObject, extra: Record<string, unknown> = {}): KubeObject => ({
  ...object,
  metadata: { ...object.metadata, resourceVersion: '42', uid: 'u', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ manager: 'x' }], ...extra } as KubeObject['metadata'],
  spec: { policyTypes: ['Ingress'], ...object.spec as object }
})

t.test('desired: the default set, labelled managed-by netguard, in the namespace', async (t) => {
  t.same(desired.map((object) => object.metadata?.name), ['netguard-deny-by-default', 'netguard-allow-same-namespace', 'netguard-allow-from-ingress', 'netguard-allow-from-monitoring'])
  t.match(desired[2], {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'netguard-allow-from-ingress', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'netguard' } },
    spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'policy-group.network.openshift.io/ingress': '' } } }] }] }
  })
})

t.test('missing policies are created; present ones with server defaults need nothing', async (t) => {
  t.same(plan(desired, []).map((action) => [action.type, action.object.metadata?.name]), desired.map((object) => ['create', object.metadata?.name]))
  const stored = desired.map((object) => asStored(object, { labels: { ...object.metadata?.labels, team: 'shop' }, annotations: { note: 'x' } }))
  t.same(plan(desired, stored), [], 'resourceVersion, managedFields, policyTypes and others\' labels do not count')
})

t.test('an edited spec is restored, keeping resourceVersion and what others own', async (t) => {
  const stored = asStored(desired[1] as KubeObject, { labels: { 'app.kubernetes.io/managed-by': 'netguard', team: 'shop' }, annotations: { note: 'x' } })
  const edited = { ...stored, spec: { podSelector: {}, ingress: [{}] } }
  const [action, ...rest] = plan([desired[1] as KubeObject], [edited])
  t.same(rest, [])
  t.match(action, {
    type: 'update',
    drift: ['spec'],
    object: { metadata: { name: 'netguard-allow-same-namespace', resourceVersion: '42', labels: { team: 'shop', 'app.kubernetes.io/managed-by': 'netguard' }, annotations: { note: 'x' } }, spec: desired[1]?.spec }
  })
  t.notOk('managedFields' in (action?.object.metadata ?? {}), 'managedFields are not sent back')
})

t.test('a removed or changed managed-by label is drift', async (t) => {
  const stored = asStored(desired[0] as KubeObject, { labels: { 'app.kubernetes.io/managed-by': 'someone-else' } })
  t.match(plan([desired[0] as KubeObject], [stored]), [{ type: 'update', drift: ['label app.kubernetes.io/managed-by'] }])
})

t.test('the comparison is by meaning', async (t) => {
  const wanted: KubeObject = {
    metadata: { name: 'p' },
    spec: {
      podSelector: { matchLabels: { a: '1', b: '2' }, matchExpressions: [{ key: 'x', operator: 'In', values: ['2', '1'] }, { key: 'a', operator: 'Exists' }] },
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.0.0.0/16'] } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] }]
    }
  }
  const same: KubeObject = {
    metadata: { name: 'p' },
    spec: {
      policyTypes: ['Egress', 'Ingress'],
      egress: [{ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }], to: [{ ipBlock: { except: ['10.0.0.0/16', '10.1.0.0/16'], cidr: '10.0.0.0/8' } }] }],
      podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'x', operator: 'In', values: ['1', '2'] }], matchLabels: { b: '2', a: '1' } }
    }
  }
  t.same(plan([wanted], [same]), [])
  t.same(plan([{ metadata: { name: 'p' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }], [{ metadata: { name: 'p' }, spec: { podSelector: {}, policyTypes: ['Egress', 'Ingress'] } }]), [])
  const differs = (a: unknown, b: unknown) => plan([{ metadata: { name: 'p' }, spec: a }], [{ metadata: { name: 'p' }, spec: b }]).length === 1
  t.ok(differs({ podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }, { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }), 'this namespace is not every namespace')
  t.ok(differs({ podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }, { podSelector: {}, ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] }))
  t.ok(differs({ podSelector: {}, ingress: [] }, { podSelector: {}, ingress: [{}] }), 'no rule is not an allow-all rule')
  t.ok(differs({ podSelector: {}, policyTypes: ['Ingress'] }, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }), 'denying egress too is drift')
  t.ok(differs({ podSelector: {} }, { podSelector: { matchLabels: { app: 'x' } } }))
  t.ok(differs({ podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }, { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] }), 'TCP is the default protocol, not UDP')
  t.notOk(differs(undefined, { podSelector: {} }), 'a missing spec reads as the empty one')
})

const NOW = new Date('2026-11-26T12:00:00Z')

t.test('namespaceVerdict: isolated, not labelled, exempt by name or labels, terminating', async (t) => {
  const namespace = (name: string, labels: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject => ({ kind: 'Namespace', metadata: { name, labels }, ...extra })
  const isolated = { 'netguard.io/isolation': 'default-deny' }
  t.equal(namespaceVerdict(namespace('shop', isolated), policy, NOW), 'isolated')
  t.equal(namespaceVerdict(namespace('shop', { 'netguard.io/isolation': 'none' }), policy, NOW), 'not-isolated')
  t.equal(namespaceVerdict({ kind: 'Namespace' }, policy, NOW), 'not-isolated')
  t.equal(namespaceVerdict(namespace('openshift-ingress', isolated), policy, NOW), 'exempt')
  t.equal(namespaceVerdict(namespace('netguard', isolated), policy, NOW), 'exempt', 'netguard\'s own namespace')
  const bySelector = policyWith('exemptions: { namespaces: [], namespaceSelector: { matchLabels: { tier: platform } } }')
  t.equal(namespaceVerdict(namespace('infra', { ...isolated, tier: 'platform' }), bySelector, NOW), 'exempt')
  t.equal(namespaceVerdict(namespace('shop', isolated, { status: { phase: 'Terminating' } }), policy, NOW), 'terminating')
  t.equal(namespaceVerdict({ kind: 'Namespace', metadata: { name: 'shop', labels: isolated, deletionTimestamp: '2026-01-01T00:00:00Z' } }, policy, NOW), 'terminating')
  const custom = policyWith('isolation: { label: example.com/isolated, value: "yes" }')
  t.equal(namespaceVerdict(namespace('shop', { 'example.com/isolated': 'yes' }), custom, NOW), 'isolated')
  t.equal(namespaceVerdict(namespace('shop', isolated), custom, NOW), 'not-isolated')
  const byUser = policyWith('exemptions: { users: ["*"], groups: ["*"] }')
  t.equal(namespaceVerdict(namespace('shop', isolated), byUser, NOW), 'isolated', 'user and group exemptions are about who asks, not the namespace')
})
