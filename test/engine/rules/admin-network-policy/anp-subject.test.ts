import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { violationsOf } from '../network-policy/netpol.ts'
import { anp, banp } from './policies.ts'

const ns = (name: string, labels: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } })
const NAMESPACES = [ns('shop', { tier: 'web' }), ns('bank', { tier: 'web' }), ns('openshift-console', { tier: 'web' }), ns('openshift-dns'), ns('kube-system')]
const found = (object: KubeObject, options: { cluster?: readonly KubeObject[], policy?: string } = {}) =>
  violationsOf('ANP-SUBJECT', object, options.policy ?? 'exemptions: { namespaces: ["kube-*", "openshift-*"] }', { cluster: clusterWith(options.cluster ?? NAMESPACES) })
const subject = (value: Record<string, unknown>) => ({ subject: value })

t.test('a subject of tenant namespaces passes', async (t) => {
  t.same(found(anp('web', 10, subject({ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }))), [])
  t.same(found(anp('web', 10, subject({ pods: { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop', 'bank'] }] }, podSelector: {} } }))), [])
})

t.test('every namespace, for an admin policy or the baseline, is denied', async (t) => {
  t.same(found(anp('all', 10, subject({ namespaces: {} }))), [{
    ruleId: 'ANP-SUBJECT',
    action: 'deny',
    code: 'every-namespace',
    path: 'spec.subject.namespaces',
    message: 'spec.subject.namespaces selects every namespace, so the policy reaches the platform\'s namespaces and every one created later',
    fix: 'select the namespaces by name (kubernetes.io/metadata.name In [...]) or by a label only they carry, leaving the platform\'s out'
  }])
  t.match(found(banp(subject({ namespaces: {} }))), [{ message: /so the baseline reaches the platform's namespaces/ }])
  t.match(found(anp('all', 10, subject({ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } } }))), [{ path: 'spec.subject.pods.namespaceSelector' }])
})

t.test('a selector that takes in exempt namespaces is denied, naming them', async (t) => {
  t.same(found(anp('web', 10, subject({ namespaces: { matchLabels: { tier: 'web' } } }))).map((v) => v.message), [
    'spec.subject.namespaces selects the exempt namespace openshift-console, so the policy reaches the platform'
  ])
  t.match(found(banp(subject({ namespaces: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['platform', 'web'] }] } })), { cluster: [...NAMESPACES, ns('openshift-dns', { tier: 'platform' }), ns('kube-system', { tier: 'platform' })] }),
    [{ code: 'exempt-namespaces', message: 'spec.subject.namespaces selects the exempt namespaces kube-system, openshift-console, openshift-dns, so the baseline reaches the platform' }])
  t.same(found(anp('web', 10, subject({ namespaces: { matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['openshift-console'] }] } }))), [], 'leaving it out by name')
})

t.test('judged by meaning: every namespace however spelt, and exempt namespaces named without cluster state', async (t) => {
  const exists = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] }
  t.match(found(anp('all', 10, subject({ namespaces: exists }))), [{ code: 'every-namespace', message: /selects every namespace, so the policy/ }], 'every namespace carries kubernetes.io/metadata.name')
  t.match(found(anp('all', 10, subject({ namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } }))), [{ message: /selects every namespace but kube-system/ }])
  t.match(found(banp(subject({ namespaces: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }))), [{ code: 'every-namespace', message: /selects every namespace without the label tier/ }], 'only exclusions: open-ended')
  t.match(violationsOf('ANP-SUBJECT', anp('dns', 10, subject({ namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop', 'openshift-dns'] }] } })), 'exemptions: { namespaces: ["openshift-*"] }'),
    [{ code: 'exempt-namespaces', message: /selects the exempt namespace openshift-dns/ }], 'named by the selector, no cluster state needed')
  t.match(found(anp('odd', 10, subject({ namespaces: { matchExpressions: [{ key: 'tier', operator: 'Near' }] } }))), [{ path: /spec\.subject\.namespaces/ }], 'a selector the API server refuses is a finding')
})

t.test('namespaces exempt by label count; without cluster state labelled selectors pass', async (t) => {
  const policy = 'exemptions: { namespaces: ["kube-*"], namespaceSelector: { matchLabels: { tier: web } } }'
  t.match(found(anp('web', 10, subject({ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } })), { policy }), [{ message: /exempt namespace shop/ }])
  t.same(violationsOf('ANP-SUBJECT', anp('web', 10, subject({ namespaces: { matchLabels: { tier: 'web' } } }))), [])
})
