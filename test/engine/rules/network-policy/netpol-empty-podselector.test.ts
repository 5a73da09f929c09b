import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { networkPolicy, violationsOf } from './netpol.ts'

const ON = 'rules: { NETPOL-EMPTY-PODSELECTOR: { action: deny } }'
const found = (object: KubeObject, policy = ON) => violationsOf('NETPOL-EMPTY-PODSELECTOR', object, policy)

t.test('off by default', async (t) => {
  t.same(found(networkPolicy({ podSelector: {} }), '{}'), [])
})

t.test('an empty podSelector outside the allowed names is refused', async (t) => {
  t.same(found(networkPolicy({ podSelector: {} })), [{
    ruleId: 'NETPOL-EMPTY-PODSELECTOR',
    action: 'deny',
    path: 'spec.podSelector',
    message: 'spec.podSelector is empty, so the policy applies to every pod in namespace shop',
    fix: 'select the pods with spec.podSelector.matchLabels'
  }])
})

t.test('empty in every spelling: {}, empty matchLabels, empty matchExpressions, absent, null', async (t) => {
  for (const podSelector of [{}, { matchLabels: {} }, { matchExpressions: [] }, { matchLabels: {}, matchExpressions: [] }, undefined, null]) {
    t.equal(found(networkPolicy({ podSelector })).length, 1, JSON.stringify(podSelector) ?? 'absent')
  }
})

t.test('a selector with labels or expressions passes', async (t) => {
  t.same(found(networkPolicy({ podSelector: { matchLabels: { app: 'web' } } })), [])
  t.same(found(networkPolicy({ podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } })), [])
})

t.test('allowed names are globs; the default allows default-deny', async (t) => {
  t.same(found(networkPolicy({ podSelector: {} }, { name: 'default-deny' })), [])
  const globs = 'rules: { NETPOL-EMPTY-PODSELECTOR: { action: warn, allowedNames: ["deny-*", "allow-same-namespace"] } }'
  t.same(found(networkPolicy({ podSelector: {} }, { name: 'deny-all-egress' }), globs), [])
  t.same(found(networkPolicy({ podSelector: {} }, { name: 'allow-same-namespace' }), globs), [])
  t.match(found(networkPolicy({ podSelector: {} }, { name: 'default-deny' }), globs), [{ action: 'warn' }], 'a list replaces the default')
  t.match(found(networkPolicy({ podSelector: {} }, { name: undefined, generateName: 'np-' })), [{ path: 'spec.podSelector' }], 'a generated name matches no allowed name')
})

t.test('kyverno restrict-networkpolicy-empty-podselector cases, configured as there', async (t) => {
  const cases = parse(readFileSync(new URL('../../../fixtures/network-policy/empty-podselector-conformance.yaml', import.meta.url), 'utf8')) as { verdict: string, object: KubeObject }[]
  t.equal(cases.length, 6)
  for (const { verdict, object } of cases) {
    t.equal(found(object, 'rules: { NETPOL-EMPTY-PODSELECTOR: { action: deny, allowedNames: [default-deny] } }').length > 0 ? 'deny' : 'allow', verdict, object.metadata?.name ?? '')
  }
})
