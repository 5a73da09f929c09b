import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { egressIp } from './egress.ts'

const found = (spec: Record<string, unknown>, policy = '{}') => violationsOf('EGRESSIP-SELECTOR', egressIp({ egressIPs: ['192.0.2.5'], ...spec }), policy)

t.test('an empty namespaceSelector is denied', async (t) => {
  t.same(found({ namespaceSelector: {} }), [{
    ruleId: 'EGRESSIP-SELECTOR',
    action: 'deny',
    path: 'spec.namespaceSelector',
    message: 'spec.namespaceSelector selects every namespace, so the egress IPs apply to namespaces nobody chose',
    fix: 'select the namespaces by name (kubernetes.io/metadata.name In [...]) or by a label only they carry'
  }])
})

t.test('every namespace in disguise is denied too: judged by what the selector selects', async (t) => {
  const name = 'kubernetes.io/metadata.name'
  const message = (namespaceSelector: unknown) => found({ namespaceSelector }).map((violation) => violation.message)
  t.same(message({ matchExpressions: [{ key: name, operator: 'Exists' }] }), ['spec.namespaceSelector selects every namespace, so the egress IPs apply to namespaces nobody chose'])
  t.same(message({ matchExpressions: [{ key: name, operator: 'NotIn', values: ['kube-system'] }] }), [
    'spec.namespaceSelector selects every namespace but kube-system, so the egress IPs apply to namespaces nobody chose'
  ])
  t.same(message({ matchExpressions: [{ key: 'egress', operator: 'DoesNotExist' }] }), [
    'spec.namespaceSelector selects every namespace without the label egress, so the egress IPs apply to namespaces nobody chose'
  ])
  t.same(message({ matchExpressions: [{ key: name, operator: 'In', values: ['payments'] }] }), [])
  t.same(message({ matchExpressions: [{ key: name, operator: 'Exists' }, { key: 'env', operator: 'In', values: ['prod'] }] }), [])
  t.same(message({ matchExpressions: [{ key: name, operator: 'Matches' }] }), ['spec.namespaceSelector.matchExpressions[0].operator "Matches" is not one of In, NotIn, Exists, DoesNotExist'])
})

t.test('empty in every spelling, even with a pod selector', async (t) => {
  for (const namespaceSelector of [{ matchLabels: {} }, { matchExpressions: [] }, undefined, null]) {
    t.equal(found({ namespaceSelector }).length, 1, JSON.stringify(namespaceSelector) ?? 'absent')
  }
  t.equal(found({ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }).length, 1, 'a pod selector still spans every namespace')
})

t.test('a selector with labels or expressions passes', async (t) => {
  t.same(found({ namespaceSelector: { matchLabels: { env: 'prod' } } }), [])
  t.same(found({ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] } }), [])
})

t.test('action, operations and malformed specs', async (t) => {
  t.match(found({}, 'rules: { EGRESSIP-SELECTOR: { action: warn } }'), [{ action: 'warn' }])
  const object = egressIp({ namespaceSelector: {} })
  t.same(violationsOf('EGRESSIP-SELECTOR', object, '{}', { operation: 'DELETE', oldObject: object }), [])
  t.equal(violationsOf('EGRESSIP-SELECTOR', { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP' }).length, 1)
})
