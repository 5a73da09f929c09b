import t from 'tap'
import { evaluate, mutate } from '../../../../src/engine/evaluate.ts'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { contextFor, policyWith } from '../../../helpers/policy.ts'

const namespace = (labels?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', ...(labels === undefined ? {} : { labels }) } })
const custom = 'isolation: { label: example.com/isolation, value: strict }'

t.test('NS-ISOLATION labels a new namespace with the configured label, once', async (t) => {
  const result = mutate(namespace(), contextFor(namespace()), policyWith())
  t.same(result.object.metadata?.labels, { 'netguard.io/isolation': 'default-deny' })
  t.match(result.changes, [{ ruleId: 'NS-ISOLATION', action: 'mutate', message: 'adds label netguard.io/isolation=default-deny' }])
  t.same(mutate(result.object, contextFor(result.object), policyWith()).changes, [], 'idempotent')
  const customised = mutate(namespace({ team: 'a' }), contextFor(namespace()), policyWith(custom))
  t.same(customised.object.metadata?.labels, { team: 'a', 'example.com/isolation': 'strict' })
})

t.test('NS-ISOLATION-OPTOUT follows the configured label', async (t) => {
  const check = (object: KubeObject, spec: string, oldObject?: KubeObject) =>
    evaluate(object, contextFor(object, { operation: oldObject === undefined ? 'CREATE' : 'UPDATE', oldObject }), policyWith(spec))
  t.match(check(namespace({ 'example.com/isolation': 'none' }), custom), [{
    ruleId: 'NS-ISOLATION-OPTOUT',
    path: 'metadata.labels["example.com/isolation"]',
    message: 'metadata.labels["example.com/isolation"] "none" opts the namespace out of isolation',
    fix: 'keep example.com/isolation: strict, or ask a cluster admin for an exception'
  }])
  t.same(check(namespace({ 'netguard.io/isolation': 'none' }), custom), [], 'the default label means nothing once another is configured')
  t.match(check(namespace({}), custom, namespace({ 'example.com/isolation': 'strict' })), [{ message: 'removing metadata.labels["example.com/isolation"] opts the namespace out of isolation' }])
  t.match(check(namespace({ 'netguard.io/isolation': 'none' }), '{}', namespace({ 'netguard.io/isolation': 'default-deny' })),
    [{ message: 'metadata.labels["netguard.io/isolation"]: setting it to "none" opts the namespace out of isolation' }])
  t.same(check(namespace({}), '{}', namespace({})), [], 'never isolated: nothing to undo')
})
