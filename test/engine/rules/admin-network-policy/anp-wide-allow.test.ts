import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { violationsOf } from '../network-policy/netpol.ts'
import { anp, banp, egress, ingress, rule } from './policies.ts'

const found = (object: KubeObject, policy = '{}') => violationsOf('ANP-WIDE-ALLOW', object, policy)
const MONITORING = { namespaces: { matchLabels: { 'network.openshift.io/policy-group': 'monitoring' } } }

t.test('narrow allows and every Deny pass', async (t) => {
  t.same(found(anp('allow-monitoring', 10, ingress(rule('Allow', [MONITORING])))), [])
  t.same(found(anp('deny-all', 90, ingress(rule('Deny', [{ namespaces: {} }])))), [], 'a Deny from everywhere closes, it does not open')
  t.same(found(anp('dns', 5, egress(rule('Allow', [{ networks: ['192.0.2.53/32'] }, { pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } }, podSelector: {} } }])))), [])
})

t.test('an Allow from or to everything overrides every tenant\'s NetworkPolicy: denied', async (t) => {
  t.same(found(anp('open', 10, ingress(rule('Allow', [MONITORING, { namespaces: {} }])))), [{
    ruleId: 'ANP-WIDE-ALLOW',
    action: 'deny',
    path: 'spec.ingress[0].from[1].namespaces',
    message: 'spec.ingress[0] Allow from every namespace overrides every NetworkPolicy of the namespaces it applies to',
    fix: 'select the namespaces, pods or networks meant, or name the policy in allowedNames if it is meant to be that wide'
  }])
  t.same(found(anp('open', 10, egress(rule('Allow', [{ pods: { namespaceSelector: {}, podSelector: {} } }, { nodes: {} }])))).map((v) => [v.path, v.message]), [
    ['spec.egress[0].to[0].pods', 'spec.egress[0] Allow to every pod overrides every NetworkPolicy of the namespaces it applies to'],
    ['spec.egress[0].to[1].nodes', 'spec.egress[0] Allow to every node overrides every NetworkPolicy of the namespaces it applies to']
  ])
  t.same(found(anp('open', 10, egress(rule('Allow', [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } } }])))), [], 'some pods of every namespace are not every pod')
})

t.test('world-open networks, however split, count per rule', async (t) => {
  t.same(found(anp('open', 10, egress(rule('Allow', [{ networks: ['0.0.0.0/1'] }, { networks: ['128.0.0.0/1'] }])))).map((v) => [v.path, v.message]), [[
    'spec.egress[0].to',
    'spec.egress[0] Allow to 4294967296 IPv4 addresses (0.0.0.0/1, 128.0.0.0/1; at most 16777216) overrides every NetworkPolicy of the namespaces it applies to'
  ]])
  t.match(found(anp('open', 10, egress(rule('Allow', [{ networks: ['::ffff:0:0/96'] }])))), [{ message: /4294967296 IPv4 addresses/ }], 'IPv4-mapped IPv6 is IPv4')
  t.match(found(anp('open', 10, egress(rule('Allow', [{ networks: ['2000::/3'] }])))), [{ message: /IPv6 addresses/ }])
  t.same(found(anp('open', 10, egress(rule('Allow', [{ networks: ['10.0.0.0/8'] }])))), [], 'a /8 is the default limit')
  t.same(found(anp('open', 10, egress(rule('Allow', [{ networks: ['10.0.0.0/6'] }]))), 'rules: { ANP-WIDE-ALLOW: { broadestNetworkRange: { ipv4: 6, ipv6: 32 } } }'), [])
  t.same(found(anp('open', 10, egress(rule('Allow', [{ networks: ['0.0.0.0/0x', 7] }])))), [], 'what is not a CIDR opens nothing (the API server refuses it)')
})

t.test('a Pass of the same reach switches off the admin policies after it', async (t) => {
  t.match(found(anp('delegate', 5, ingress(rule('Pass', [{ namespaces: {} }])))), [{ message: 'spec.ingress[0] Pass from every namespace skips every AdminNetworkPolicy after it' }])
})

t.test('a policy meant to be wide is named; the baseline is below tenants and not judged', async (t) => {
  t.same(found(anp('platform-open', 10, ingress(rule('Allow', [{ namespaces: {} }]))), 'rules: { ANP-WIDE-ALLOW: { allowedNames: ["platform-*"] } }'), [])
  t.same(found(banp({ subject: { namespaces: {} }, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] })), [])
})

t.test('malformed rules are read defensively', async (t) => {
  t.same(found(anp('odd', 10, { ingress: ['x', { action: 'Allow' }, { action: 'Allow', from: 'x' }, { action: 'Allow', from: ['x', { pods: 'x' }] }] })), [])
  t.same(found({ ...anp('odd', 10), spec: 'x' }), [])
})

t.test('selectors are judged by what they select, not how they are spelt', async (t) => {
  const exists = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] }
  t.match(found(anp('open', 10, ingress(rule('Allow', [{ namespaces: exists }])))), [{ message: 'spec.ingress[0] Allow from every namespace overrides every NetworkPolicy of the namespaces it applies to' }],
    'every namespace carries kubernetes.io/metadata.name')
  t.match(found(anp('open', 10, ingress(rule('Allow', [{ namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['bank'] }] } }])))),
    [{ message: 'spec.ingress[0] Allow from every namespace but bank overrides every NetworkPolicy of the namespaces it applies to' }])
  t.match(found(anp('open', 10, egress(rule('Allow', [{ pods: { namespaceSelector: exists, podSelector: { matchExpressions: [{ key: 'quarantine', operator: 'DoesNotExist' }] } } }])))),
    [{ path: 'spec.egress[0].to[0].pods', message: /every pod/ }], 'a pod selector that only excludes narrows nothing new')
  t.match(found(anp('open', 10, egress(rule('Allow', [{ nodes: { matchExpressions: [{ key: 'node-role.kubernetes.io/master', operator: 'DoesNotExist' }] } }])))), [{ message: /Allow to every node/ }])
  t.same(found(anp('open', 10, egress(rule('Allow', [{ nodes: { matchLabels: { 'node-role.kubernetes.io/infra': '' } } }])))), [], 'labelled nodes are chosen nodes')
  t.same(found(anp('open', 10, ingress(rule('Allow', [{ namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Bogus' }] } }])))), [], 'a selector the API server refuses selects nothing')
})
