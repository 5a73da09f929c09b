import t from 'tap'
import { ingressFrom, networkPolicy, violationsOf } from './netpol.ts'

const found = (spec: Record<string, unknown>, policy = '{}') => violationsOf('NETPOL-ALL-NAMESPACES', networkPolicy(spec), policy)

t.test('namespaceSelector {} alone admits every pod of every namespace: a warning', async (t) => {
  t.same(found(ingressFrom({ podSelector: {} }, { namespaceSelector: {} })), [{
    ruleId: 'NETPOL-ALL-NAMESPACES',
    action: 'warn',
    path: 'spec.ingress[0].from[1].namespaceSelector',
    message: 'spec.ingress[0].from[1].namespaceSelector selects every namespace: the peer admits every pod there',
    fix: 'select the namespaces by name (kubernetes.io/metadata.name In [...]) or by a label only they carry, or add a podSelector'
  }])
})

t.test('an empty pod selector ANDs to the same; empty matchLabels and matchExpressions are empty', async (t) => {
  t.equal(found(ingressFrom({ namespaceSelector: {}, podSelector: {} })).length, 1)
  t.equal(found(ingressFrom({ namespaceSelector: { matchLabels: {} }, podSelector: null })).length, 1)
  t.equal(found(ingressFrom({ namespaceSelector: { matchExpressions: [] } })).length, 1)
})

t.test('a pod selector or a labelled namespace selector narrows the peer', async (t) => {
  t.same(found(ingressFrom({ namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } })), [])
  t.same(found(ingressFrom({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'front' } } })), [])
  t.same(found(ingressFrom({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] } })), [])
  t.same(found(ingressFrom({ podSelector: {} })), [], 'podSelector alone stays in the namespace')
  t.same(found(ingressFrom({ namespaceSelector: null })), [])
})

t.test('egress peers too, with their own wording; directions setting', async (t) => {
  const spec = { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] }
  t.match(found(spec), [{ path: 'spec.egress[0].to[0].namespaceSelector', message: 'spec.egress[0].to[0].namespaceSelector selects every namespace: the peer allows egress to every pod there' }])
  t.same(found(spec, 'rules: { NETPOL-ALL-NAMESPACES: { directions: [Ingress] } }'), [])
  t.equal(found({ ...spec, policyTypes: undefined }).length, 1, 'egress rules make the policy govern egress by default')
  t.same(found(ingressFrom({ namespaceSelector: {} }), 'rules: { NETPOL-ALL-NAMESPACES: { directions: [Egress] } }'), [])
})

t.test('a bad direction in the policy is refused at load', async (t) => {
  t.throws(() => found({}, 'rules: { NETPOL-ALL-NAMESPACES: { directions: [Sideways] } }'), { code: 'NG_ERR_POLICY_INVALID' })
})

t.test('every offending peer of every rule is named; ineffective rules are not', async (t) => {
  const spec = {
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: {} }] }, { from: [{ podSelector: {} }, { namespaceSelector: {} }] }],
    egress: [{ to: [{ namespaceSelector: {} }] }]
  }
  t.same(found(spec).map((v) => v.path), ['spec.ingress[0].from[0].namespaceSelector', 'spec.ingress[1].from[1].namespaceSelector'])
})

t.test('selectors are judged by what they select, not how they are spelt', async (t) => {
  const name = 'kubernetes.io/metadata.name'
  const message = (selector: Record<string, unknown>, podSelector?: Record<string, unknown>) =>
    found(ingressFrom({ namespaceSelector: selector, ...(podSelector === undefined ? {} : { podSelector }) })).map((v) => v.message)
  t.same(message({ matchExpressions: [{ key: name, operator: 'Exists' }] }), ['spec.ingress[0].from[0].namespaceSelector selects every namespace: the peer admits every pod there'], 'every namespace has the name label')
  t.same(message({ matchExpressions: [{ key: name, operator: 'NotIn', values: ['kube-system', 'openshift-monitoring'] }] }), [
    'spec.ingress[0].from[0].namespaceSelector selects every namespace but kube-system, openshift-monitoring: the peer admits every pod there'
  ])
  t.same(message({ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }), [
    'spec.ingress[0].from[0].namespaceSelector selects every namespace without the label team: the peer admits every pod there'
  ])
  t.same(message({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['platform'] }] }, { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }), [
    'spec.ingress[0].from[0].namespaceSelector selects every namespace without tier=platform: the peer admits every pod there'
  ], 'a pod selector with only negative requirements does not name pods')
  t.same(message({ matchExpressions: [{ key: name, operator: 'In', values: ['front', 'back'] }] }), [], 'named namespaces')
  t.same(message({ matchExpressions: [{ key: name, operator: 'Exists' }, { key: 'team', operator: 'In', values: ['a'] }] }), [], 'a label it asks for')
  t.same(message({ matchExpressions: [{ key: name, operator: 'DoesNotExist' }] }), [], 'no namespace')
  t.same(message({ matchExpressions: [{ key: name, operator: 'Exists' }] }, { matchLabels: { app: 'prometheus' } }), [], 'a pod selector that names pods')
})

t.test('a selector the API server would refuse is a finding of its own, never an exception', async (t) => {
  t.same(found(ingressFrom({ namespaceSelector: { matchExpressions: 'team' } })).map((v) => v.message), [
    'spec.ingress[0].from[0].namespaceSelector.matchExpressions is the string "team"; expected a list'
  ])
  t.same(found(ingressFrom({ namespaceSelector: {}, podSelector: { matchLabels: { app: 7 } } })).map((v) => v.message), [
    'spec.ingress[0].from[0].podSelector.matchLabels["app"] is the number 7; expected a string'
  ])
})
