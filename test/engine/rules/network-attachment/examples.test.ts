import t from 'tap'
import { parse } from 'yaml'
import { readFileSync } from 'node:fs'
import { RULES } from '../../../../src/engine/rules/index.ts'
import { checkExamples } from './helpers.ts'

const POLICIES = new URL('../../../../policies/', import.meta.url)

t.test('the example reviews get the verdict their names promise under the bundled policy', async (t) => {
  await checkExamples(t, 'networkattachmentdefinition-', 'NAD-')
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
