import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { egressIp } from './egress.ts'

const found = (spec: Record<string, unknown>, policy = '{}') => violationsOf('EGRESSIP-SELECTOR', egressIp({ egressIPs: ['192.0.2.5'], ...spec }), policy)

t.test('an empty namespaceSelector is denied', async (t) => {
  t.same(found({ namespaceSelector: {} }), [{
    ruleId: 'EGRESSIP-SELECTOR',
    action: 'deny',
    path: 'spec.namespaceSelector',
    message: 'spec.namespaceSelector is empty, so the egress IPs apply to every namespace',
    fix: 'select the namespaces with spec.namespaceSelector.matchLabels'
  }])
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
