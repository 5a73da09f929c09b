import t from 'tap'
import Type from 'typebox'
import { CATEGORIES, defineRule, SEVERITIES } from '../../src/engine/rule.ts'
import { RULES } from '../../src/engine/rules/index.ts'
import type { KindRef } from '../../src/kube/types.ts'

t.test('every rule has a report category and a PolicyReport severity', async (t) => {
  for (const rule of RULES) {
    t.ok((CATEGORIES as readonly string[]).includes(rule.category), `${rule.id}: category ${rule.category}`)
    t.ok((SEVERITIES as readonly string[]).includes(rule.severity), `${rule.id}: severity ${rule.severity}`)
  }
  t.same(RULES.filter((rule) => rule.severity === 'critical').map((rule) => rule.id).sort(),
    ['CM-NGINX-SNIPPETS', 'NS-EXEMPT-NAME', 'NS-RESERVED-LABELS', 'SVC-EXTERNALIP'],
    'critical: what lets a tenant switch netguard off or reach other tenants\' traffic and secrets')
})

t.test('a rule that names neither gets them from its first kind and its default action', async (t) => {
  const bare = (kinds: readonly KindRef[], defaultAction: 'deny' | 'warn' | 'audit' | 'off') => defineRule({
    type: 'validate',
    id: 'TEST-BARE',
    kinds,
    operations: ['CREATE'],
    defaultAction,
    summary: 'test',
    settings: Type.Object({}),
    defaults: {},
    compile: () => undefined,
    check: () => []
  })
  t.match(bare([{ group: 'network.operator.openshift.io', kind: 'EgressRouter' }], 'deny'), { category: 'Egress security', severity: 'high' })
  t.match(bare([{ group: 'k8s.cni.cncf.io', kind: 'MultiNetworkPolicy' }], 'warn'), { category: 'Multiple networks', severity: 'medium' })
  t.match(bare([{ group: 'example.com', kind: 'Widget' }], 'audit'), { category: 'Network isolation', severity: 'low' })
  const mutation = defineRule({
    type: 'mutate',
    id: 'TEST-MUTATE',
    kinds: [{ group: '', kind: 'Namespace' }],
    operations: ['CREATE'],
    defaultAction: 'mutate',
    summary: 'test',
    settings: Type.Object({}),
    defaults: {},
    compile: () => undefined,
    mutate: () => undefined
  })
  t.match(mutation, { category: 'Network isolation', severity: 'medium' })
  const named = defineRule({ ...mutation, type: 'mutate', defaultAction: 'mutate', mutate: () => undefined, category: 'Multitenancy', severity: 'info' })
  t.match(named, { category: 'Multitenancy', severity: 'info' }, 'its own values win')
})
