import { readFileSync } from 'node:fs'
import t from 'tap'
import Type from 'typebox'
import { parse } from 'yaml'
import { chartRules, renderChartRules, WEBHOOK_RULES_FILE, type ChartRules, type WebhookRule } from '../../scripts/chart-rules.ts'
import { defineRule, type Rule } from '../../src/engine/rule.ts'
import { RULES } from '../../src/engine/rules/index.ts'
import { resourceFor } from '../../src/kube/resources.ts'
import { kindKey } from '../../src/kube/types.ts'

const onDisk = readFileSync(WEBHOOK_RULES_FILE, 'utf8')
const chart = parse(onDisk) as ChartRules

function sends (webhook: readonly WebhookRule[], group: string, resource: string, operation: string): boolean {
  return webhook.some((entry) => entry.apiGroups.includes(group) && entry.resources.includes(resource) && entry.operations.includes(operation as never))
}

t.test('every kind a rule checks maps to an API resource', async (t) => {
  for (const rule of RULES) {
    for (const kind of rule.kinds) {
      t.ok(resourceFor(kind), `rule ${rule.id} checks ${kindKey(kind)}: add it to KNOWN_RESOURCES in src/kube/resources.ts, then run npm run chart:rules`)
    }
  }
})

t.test('the webhooks send every kind and operation a rule checks', async (t) => {
  for (const rule of RULES) {
    const [webhook, name] = rule.type === 'mutate' ? [chart.mutating, 'mutating'] : [chart.validating, 'validating']
    for (const kind of rule.kinds) {
      const resource = resourceFor(kind)?.plural ?? '?'
      for (const operation of rule.operations) {
        t.ok(sends(webhook, kind.group, resource, operation),
          `rule ${rule.id} checks ${kindKey(kind)} on ${operation} but the ${name} webhook does not send it: run npm run chart:rules`)
      }
    }
  }
})

t.test('the webhooks send nothing no rule checks', async (t) => {
  for (const [name, webhook, type] of [['validating', chart.validating, 'validate'], ['mutating', chart.mutating, 'mutate']] as const) {
    for (const entry of webhook) {
      for (const operation of entry.operations) {
        const checked = RULES.some((rule) => rule.type === type && rule.operations.includes(operation) &&
          rule.kinds.some((kind) => entry.apiGroups.includes(kind.group) && entry.resources.includes(resourceFor(kind)?.plural ?? '')))
        t.ok(checked, `the ${name} webhook sends ${entry.resources.join(',')} ${operation}, which no rule checks: run npm run chart:rules`)
      }
    }
  }
})

t.test(`${WEBHOOK_RULES_FILE} is what npm run chart:rules writes`, async (t) => {
  t.equal(onDisk, renderChartRules(RULES), `${WEBHOOK_RULES_FILE} is stale: run npm run chart:rules and commit it`)
})

t.test('a rule for an unmapped kind fails with a message that says what to add', async (t) => {
  const rule: Rule = defineRule({
    type: 'validate',
    id: 'TEST-UNMAPPED',
    kinds: [{ group: 'example.com', kind: 'Widget' }],
    operations: ['CREATE'],
    defaultAction: 'deny',
    summary: 'test',
    settings: Type.Object({}),
    defaults: {},
    compile: () => undefined,
    check: () => []
  })
  t.throws(() => chartRules([...RULES, rule]), /rule TEST-UNMAPPED checks kind Widget\.example\.com, which src\/kube\/resources\.ts does not map\nadd its group, version, plural and scope to KNOWN_RESOURCES/)
})

t.test('operations are merged per kind, in API order, and validate and mutate rules stay apart', async (t) => {
  const base = { settings: Type.Object({}), defaults: {}, compile: () => undefined, summary: 'test' }
  const kinds = [{ group: 'networking.k8s.io', kind: 'NetworkPolicy' }]
  const rules: Rule[] = [
    defineRule({ ...base, type: 'validate', id: 'A', kinds, operations: ['UPDATE', 'DELETE'], defaultAction: 'deny', check: () => [] }),
    defineRule({ ...base, type: 'validate', id: 'B', kinds, operations: ['CREATE', 'UPDATE'], defaultAction: 'deny', check: () => [] }),
    defineRule({ ...base, type: 'mutate', id: 'C', kinds: [{ group: '', kind: 'Namespace' }], operations: ['CREATE'], defaultAction: 'mutate', mutate: () => undefined })
  ]
  t.same(chartRules(rules), {
    validating: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['networkpolicies'], scope: 'Namespaced' }],
    mutating: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['namespaces'], scope: 'Cluster' }]
  })
})
