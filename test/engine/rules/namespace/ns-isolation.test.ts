import t from 'tap'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { contextFor, evaluate, mutate, policyWith } from '../../../helpers/policy.ts'

const namespace = (labels?: Record<string, string>) =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', ...(labels === undefined ? {} : { labels }) } })
const policy = policyWith()

t.test('NS-ISOLATION labels a new namespace and keeps its other labels', async (t) => {
  const result = mutate(namespace({ team: 'a' }), contextFor(namespace()), policy)
  t.same(result.object.metadata?.labels, { team: 'a', 'netguard.io/isolation': 'default-deny' })
  t.match(result.changes, [{ ruleId: 'NS-ISOLATION', action: 'mutate', message: 'adds label netguard.io/isolation=default-deny' }])
  t.same(mutate(namespace(), contextFor(namespace()), policy).object.metadata?.labels, { 'netguard.io/isolation': 'default-deny' })
})

t.test('NS-ISOLATION leaves labelled, exempt and updated namespaces alone', async (t) => {
  t.same(mutate(namespace({ 'netguard.io/isolation': 'default-deny' }), contextFor(namespace()), policy).changes, [])
  const system = { ...namespace(), metadata: { name: 'openshift-ingress' } }
  t.same(mutate(system, contextFor(system), policy).changes, [])
  t.same(mutate(namespace(), contextFor(namespace(), { operation: 'UPDATE', oldObject: namespace() }), policy).changes, [])
})

t.test('NS-ISOLATION puts back the label an update dropped, and isolates no existing namespace', async (t) => {
  const isolated = namespace({ team: 'a', 'netguard.io/isolation': 'default-deny' })
  const replaced = namespace({ team: 'a' })
  const restored = mutate(replaced, contextFor(replaced, { operation: 'UPDATE', oldObject: isolated }), policy)
  t.same(restored.object.metadata?.labels, { team: 'a', 'netguard.io/isolation': 'default-deny' }, 'a GitOps replace keeps the isolation')
  t.match(restored.changes, [{ ruleId: 'NS-ISOLATION', message: 'keeps label netguard.io/isolation=default-deny, which this update dropped' }])
  t.same(evaluate(restored.object, contextFor(restored.object, { operation: 'UPDATE', oldObject: isolated }), policy), [],
    'the update as patched passes NS-ISOLATION-OPTOUT')
  const optedOut = namespace({ team: 'a', 'netguard.io/isolation': 'none' })
  t.same(mutate(replaced, contextFor(replaced, { operation: 'UPDATE', oldObject: optedOut }), policy).changes, [], 'an excepted opt-out stays so')
  t.same(mutate(optedOut, contextFor(optedOut, { operation: 'UPDATE', oldObject: isolated }), policy).changes, [], 'an explicit value is NS-ISOLATION-OPTOUT\'s to judge')
})

t.test('NS-ISOLATION in audit action reports but does not change the object', async (t) => {
  const object = namespace()
  const result = mutate(object, contextFor(object), policyWith('rules: { NS-ISOLATION: { action: audit } }'))
  t.equal(result.object, object)
  t.match(result.changes, [{ action: 'audit' }])
})

const optOut = (object: ReturnType<typeof namespace>, options = {}) =>
  evaluate(object, contextFor(object, options), policy).filter((v) => v.ruleId === 'NS-ISOLATION-OPTOUT')

t.test('NS-ISOLATION-OPTOUT refuses removing the label or setting it to none', async (t) => {
  const isolated = namespace({ 'netguard.io/isolation': 'default-deny' })
  t.match(optOut(namespace({ team: 'a' }), { operation: 'UPDATE', oldObject: isolated }), [
    { action: 'deny', path: 'metadata.labels["netguard.io/isolation"]', message: 'removing metadata.labels["netguard.io/isolation"] opts the namespace out of isolation' }
  ])
  t.match(optOut(namespace({ 'netguard.io/isolation': 'none' }), { operation: 'UPDATE', oldObject: isolated }), [{ message: /setting it to "none"/ }])
  t.match(optOut(namespace({ 'netguard.io/isolation': 'none' })), [{ message: /"none" opts the namespace out/ }])
})

t.test('NS-ISOLATION-OPTOUT allows keeping the label, legacy namespaces and exempt users', async (t) => {
  const isolated = namespace({ 'netguard.io/isolation': 'default-deny' })
  t.same(optOut(isolated, { operation: 'UPDATE', oldObject: isolated }), [])
  t.same(optOut(namespace(), { operation: 'UPDATE', oldObject: namespace() }), [])
  t.same(optOut(namespace()), [])
  const exempting = policyWith('exemptions: { groups: [cluster-admins] }')
  const removal = namespace()
  t.same(evaluate(removal, contextFor(removal, { operation: 'UPDATE', oldObject: isolated, groups: ['cluster-admins'] }), exempting), [], 'exempt group')
})

const custom = 'isolation: { label: example.com/isolation, value: strict }'

t.test('NS-ISOLATION follows the label and value of spec.isolation', async (t) => {
  const result = mutate(namespace({ team: 'a' }), contextFor(namespace()), policyWith(custom))
  t.same(result.object.metadata?.labels, { team: 'a', 'example.com/isolation': 'strict' })
  t.match(result.changes, [{ message: 'adds label example.com/isolation=strict' }])
  t.same(mutate(result.object, contextFor(result.object), policyWith(custom)).changes, [], 'idempotent')
})

t.test('NS-ISOLATION-OPTOUT follows the label and value of spec.isolation', async (t) => {
  const check = (object: ReturnType<typeof namespace>, oldObject?: ReturnType<typeof namespace>) =>
    evaluate(object, contextFor(object, { operation: oldObject === undefined ? 'CREATE' : 'UPDATE', oldObject, cluster: clusterWith([]) }), policyWith(custom))
  t.match(check(namespace({ 'example.com/isolation': 'none' })), [{
    ruleId: 'NS-ISOLATION-OPTOUT',
    path: 'metadata.labels["example.com/isolation"]',
    message: 'metadata.labels["example.com/isolation"] "none" opts the namespace out of isolation',
    fix: 'keep example.com/isolation: strict, or ask a cluster admin for an exception'
  }])
  t.same(check(namespace({ 'netguard.io/isolation': 'none' })), [], 'the default label means nothing once another is configured')
  t.match(check(namespace({}), namespace({ 'example.com/isolation': 'strict' })), [{ message: 'removing metadata.labels["example.com/isolation"] opts the namespace out of isolation' }])
})
