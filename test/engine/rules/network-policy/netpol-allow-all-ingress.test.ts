import t from 'tap'
import { ingressFrom, ipBlock, networkPolicy, violationsOf } from './netpol.ts'

const found = (spec: Record<string, unknown>, policy = '{}', options = {}) => violationsOf('NETPOL-ALLOW-ALL-INGRESS', networkPolicy(spec), policy, options)

t.test('an ingress rule without from admits every source and is denied', async (t) => {
  t.same(found({ ingress: [{}] }), [{
    ruleId: 'NETPOL-ALLOW-ALL-INGRESS',
    action: 'deny',
    path: 'spec.ingress[0]',
    message: 'spec.ingress[0] has no from: it admits every source',
    fix: 'list the allowed pods, namespaces or ipBlocks in spec.ingress[0].from'
  }])
})

t.test('ports do not narrow the sources; an empty or null from is no from', async (t) => {
  const spec = { ingress: [{ from: [{ podSelector: {} }] }, { ports: [{ port: 443 }] }, { from: [] }, { from: null, ports: [] }] }
  t.same(found(spec).map((v) => v.path), ['spec.ingress[1]', 'spec.ingress[2]', 'spec.ingress[3]'])
})

t.test('rules with peers pass, whatever the peers are', async (t) => {
  t.same(found(ingressFrom({ podSelector: {} })), [])
  t.same(found(ingressFrom({ namespaceSelector: { matchLabels: { team: 'a' } } })), [])
  t.same(found(ingressFrom(ipBlock('10.0.0.0/8'))), [], 'ipBlocks are NETPOL-WORLD-CIDR\'s business')
})

t.test('no ingress rules, or an empty list, denies all ingress and passes', async (t) => {
  t.same(found({}), [])
  t.same(found({ ingress: [] }), [])
  t.same(found({ policyTypes: ['Ingress'] }), [])
})

t.test('ingress rules of a policy that only governs egress take no effect', async (t) => {
  t.same(found({ policyTypes: ['Egress'], ingress: [{}] }), [])
  t.same(found({ policyTypes: ['Ingress', 'Egress'], ingress: [{}] }).length, 1)
  t.same(found({ policyTypes: ['Bogus'], ingress: [{}] }).length, 1, 'unknown types alone default to Ingress')
})

t.test('malformed input never throws', async (t) => {
  t.same(found({ ingress: 'everything' }).map((v) => v.message), ['spec.ingress is the string "everything"; expected a list'])
  t.same(found({ ingress: [null, 7] }).map((v) => v.message), [
    'spec.ingress[1] is the number 7; expected an object',
    'spec.ingress[0] has no from: it admits every source',
    'spec.ingress[1] has no from: it admits every source'
  ], 'a rule that is not an object has no from')
  t.same(violationsOf('NETPOL-ALLOW-ALL-INGRESS', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }), [])
})

t.test('action and operations', async (t) => {
  t.match(found({ ingress: [{}] }, 'rules: { NETPOL-ALLOW-ALL-INGRESS: { action: warn } }'), [{ action: 'warn' }])
  t.same(found({ ingress: [{}] }, 'rules: { NETPOL-ALLOW-ALL-INGRESS: { action: off } }'), [])
  t.same(found({ ingress: [{}] }, '{}', { operation: 'UPDATE' }).length, 1)
  const object = networkPolicy({ ingress: [{}] })
  t.same(violationsOf('NETPOL-ALLOW-ALL-INGRESS', object, '{}', { operation: 'DELETE', oldObject: object }), [])
  t.same(found({ ingress: [{}] }, '{}', { namespace: 'openshift-ingress' }), [], 'exempt namespaces skip every rule')
})
