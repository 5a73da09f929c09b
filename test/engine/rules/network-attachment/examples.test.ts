import t from 'tap'
import { parse } from 'yaml'
import { readFileSync } from 'node:fs'
import { evaluate } from '../../../../src/engine/evaluate.ts'
import { RULES } from '../../../../src/engine/rules/index.ts'
import { loadPolicyDir } from '../../../../src/policy/load.ts'
import { examples } from './helpers.ts'

const POLICIES = new URL('../../../../policies/', import.meta.url)

t.test('the example reviews get the verdict their names promise under the bundled policy', async (t) => {
  const policy = await loadPolicyDir(POLICIES.pathname)
  const found = examples('networkattachmentdefinition-')
  t.ok(found.length >= 4)
  for (const { file, object, context } of found) {
    const denials = evaluate(object, context, policy).filter((violation) => violation.action === 'deny')
    if (file.endsWith('-allowed.json')) t.same(denials, [], file)
    else t.ok(denials.some((violation) => violation.ruleId.startsWith('NAD-')), file)
  }
})

t.test('multus.yaml and pods.yaml show every setting of their rules, at its default', async (t) => {
  for (const file of ['multus.yaml', 'pods.yaml']) {
    const rules = (parse(readFileSync(new URL(file, POLICIES), 'utf8')) as { spec: { rules: Record<string, Record<string, unknown>> } }).spec.rules
    for (const [id, { action, ...settings }] of Object.entries(rules)) {
      const rule = RULES.find((known) => known.id === id)
      t.equal(action, rule?.defaultAction, `${file} ${id} action`)
      t.same(settings, rule?.defaults, `${file} ${id} settings`)
    }
  }
})
