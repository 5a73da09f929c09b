import t from 'tap'
import Type from 'typebox'
import type { CompiledPolicy } from '../../src/engine/policy.ts'
import { review, reviewAdmission, reviewedKinds } from '../../src/engine/review.ts'
import { defineRule, type ValidationRule } from '../../src/engine/rule.ts'
import type { Subject } from '../../src/engine/types.ts'
import { kindKey, type KubeObject } from '../../src/kube/types.ts'
import { contextFor, policyWith } from '../helpers/policy.ts'

const nodePort: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'NodePort', externalIPs: ['1.2.3.4'] } }
const subject = (object: KubeObject, options: Parameters<typeof contextFor>[1] = {}): Subject => ({ ...contextFor(object, options), object })
const statuses = (results: readonly { ruleId: string, status: string }[]) => Object.fromEntries(results.map((result) => [result.ruleId, result.status]))

t.test('one result per rule that applies: fail, warn, pass and skip with the exception that waived it', async (t) => {
  const policy = policyWith(`rules: { SVC-LOADBALANCER: { action: warn }, SVC-PORT-RANGE: { action: off } }
exceptions: [{ name: legacy-ips, rules: [SVC-EXTERNALIP], namespaces: [shop], reason: "migrating" }]`)
  const { rules, decision, exemption } = review(subject(nodePort), policy, 'validate')
  t.equal(exemption, undefined)
  t.equal(decision.allowed, false)
  const byRule = statuses(rules)
  t.equal(byRule['SVC-NODEPORT'], 'fail')
  t.equal(byRule['SVC-EXTERNALIP'], 'skip')
  t.equal(byRule['SVC-EXTERNALNAME'], 'pass')
  t.notOk('SVC-PORT-RANGE' in byRule, 'a rule switched off does not apply')
  t.match(rules.find((result) => result.ruleId === 'SVC-EXTERNALIP'), { point: 'validate', exception: 'legacy-ips' })
  t.match(rules.find((result) => result.ruleId === 'SVC-NODEPORT'), { violations: [{ ruleId: 'SVC-NODEPORT', path: 'spec.type', action: 'deny' }] })
  t.same(rules.filter((result) => result.status === 'fail').flatMap((result) => result.violations), decision.violations, 'the decision is made of the results')
  const warned = review(subject({ ...nodePort, spec: { type: 'ClusterIP' } }), policyWith('rules: { SVC-NODEPORT: { action: warn } }'), 'validate')
  t.ok(warned.rules.every((result) => result.status === 'pass'), 'a clean Service passes every rule')
  const mild = review(subject(nodePort), policyWith('rules: { SVC-NODEPORT: { action: audit }, SVC-EXTERNALIP: { action: off } }'), 'validate')
  t.equal(statuses(mild.rules)['SVC-NODEPORT'], 'warn', 'a finding that only records is a warn result')
  t.equal(mild.decision.allowed, true)
})

t.test('an exempt subject skips every rule that applies, saying why; the rules do not run', async (t) => {
  const policy = policyWith('exemptions: { users: ["ci-bot"], groups: ["admins"] }')
  const byUser = review(subject(nodePort, { username: 'ci-bot' }), policy, 'validate')
  t.equal(byUser.exemption, 'user')
  t.ok(byUser.rules.length > 0)
  t.ok(byUser.rules.every((result) => result.status === 'skip' && result.exemptBy === 'user'))
  t.equal(byUser.decision.allowed, true)
  t.equal(review(subject(nodePort, { groups: ['admins'] }), policy, 'validate').exemption, 'group')
  t.equal(review(subject(nodePort, { namespace: 'kube-system' }), policy, 'validate').exemption, 'namespace')
})

t.test('an exempt namespace waives every rule but the guards of exemptions; an exempt user waives those too', async (t) => {
  const policy = policyWith('exemptions: { namespaces: ["kube-*"], users: ["cluster-admin"] }')
  const evil: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-evil', labels: { 'netguard.io/ignore': 'true' } } }
  const byTenant = review(subject(evil), policy, 'validate')
  t.equal(byTenant.exemption, 'namespace')
  // NS-SELECTED-LABELS runs too, and warns: no cluster state tells it what selects by the label.
  t.same(statuses(byTenant.rules), { 'NS-ISOLATION-OPTOUT': 'skip', 'NS-RESERVED-LABELS': 'fail', 'NS-SELECTED-LABELS': 'warn', 'NS-EXEMPT-NAME': 'fail' }, 'the guards run in a namespace exempt by name')
  t.equal(byTenant.decision.allowed, false)
  const byAdmin = review(subject(evil, { username: 'cluster-admin' }), policy, 'validate')
  t.equal(byAdmin.exemption, 'user')
  t.ok(byAdmin.rules.every((result) => result.status === 'skip' && result.exemptBy === 'user'), 'an exempt user is held by no guard')
  t.equal(byAdmin.decision.allowed, true)
})

t.test('a rule that throws is an error result whose violation keeps the rule\'s action: never a silent allow', async (t) => {
  const broken = defineRule({
    type: 'validate',
    id: 'TEST-BROKEN',
    kinds: [{ group: '', kind: 'Service' }],
    operations: ['CREATE'],
    defaultAction: 'deny',
    summary: 'throws',
    settings: Type.Object({}),
    defaults: {},
    compile: () => undefined,
    check: () => { throw new Error('boom') }
  }) as ValidationRule
  const policy: CompiledPolicy = { ...policyWith(), validations: new Map([['Service', [{ rule: broken, action: 'deny', settings: undefined }]]]) }
  const { rules, decision } = review(subject(nodePort), policy, 'validate')
  t.match(rules, [{ ruleId: 'TEST-BROKEN', status: 'error', violations: [{ action: 'deny', message: 'rule could not evaluate this object (boom)' }] }])
  t.equal(decision.allowed, false)
})

t.test('the mutate point patches in enforce mode and only reports in audit mode', async (t) => {
  const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }
  const enforced = review(subject(namespace), policyWith(), 'mutate')
  t.match(enforced.rules, [{ ruleId: 'NS-ISOLATION', point: 'mutate', status: 'warn', change: { action: 'mutate' } }])
  t.equal(enforced.decision.patch, true)
  t.same(enforced.object?.metadata?.labels, { 'netguard.io/isolation': 'default-deny' })
  const audited = review(subject(namespace), policyWith(), 'mutate', 'audit')
  t.equal(audited.decision.patch, false)
  t.equal(audited.object, namespace, 'audit mode leaves the object as it came')
  const labelled = { ...namespace, metadata: { name: 'team-a', labels: { 'netguard.io/isolation': 'default-deny' } } }
  t.match(review(subject(labelled), policyWith(), 'mutate').rules, [{ ruleId: 'NS-ISOLATION', status: 'pass' }])
  t.same(review({ ...subject(namespace, { operation: 'DELETE', oldObject: namespace }), object: undefined }, policyWith(), 'mutate').rules, [], 'nothing to patch on DELETE')
})

t.test('an exception waives a mutation rule too: no patch, and the result names it', async (t) => {
  const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }
  const policy = policyWith('exceptions: [{ name: lab, rules: [NS-ISOLATION], namespaces: [team-a], reason: "a lab without isolation" }]')
  const { rules, decision, object } = review(subject(namespace), policy, 'mutate')
  t.same(rules, [{ ruleId: 'NS-ISOLATION', point: 'mutate', status: 'skip', exception: 'lab' }])
  t.equal(decision.patch, false)
  t.equal(object, namespace)
})

t.test('subresources and kinds without rules: allowed, and no rule applies', async (t) => {
  const status = review({ ...subject(nodePort), subResource: 'status' }, policyWith(), 'validate')
  t.same(status.rules, [])
  t.equal(status.decision.allowed, true)
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c', namespace: 'shop' } }
  t.same(review(subject(secret), policyWith(), 'validate').rules, [])
})

t.test('reviewAdmission: mutation, then validation of the patched object, as the API server calls the webhooks', async (t) => {
  const optedOut: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }
  const both = reviewAdmission(subject(optedOut), policyWith())
  t.same(both.object?.metadata?.labels, { 'netguard.io/isolation': 'default-deny' })
  t.same(both.rules.map((result) => `${result.point} ${result.ruleId} ${result.status}`), [
    'mutate NS-ISOLATION warn',
    'validate NS-ISOLATION-OPTOUT pass',
    'validate NS-RESERVED-LABELS pass',
    'validate NS-SELECTED-LABELS pass',
    'validate NS-EXEMPT-NAME pass'
  ])
  t.same(both.decision.changes.map((change) => change.ruleId), ['NS-ISOLATION'])
  const exempt = reviewAdmission(subject(nodePort, { namespace: 'kube-system' }), policyWith())
  t.equal(exempt.exemption, 'namespace')
  t.ok(exempt.rules.every((result) => result.status === 'skip'))
})

t.test('reviewedKinds: every kind a rule that is not off looks at, and Namespaces', async (t) => {
  const kinds = reviewedKinds(policyWith('rules: { SVC-NODEPORT: { action: off } }')).map(kindKey)
  t.ok(kinds.includes('Namespace'))
  t.ok(kinds.includes('Service'), 'other Service rules are on')
  t.ok(kinds.includes('Route.route.openshift.io'))
  t.equal(new Set(kinds).size, kinds.length, 'each kind once')
})
