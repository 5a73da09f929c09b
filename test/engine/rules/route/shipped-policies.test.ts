import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { RULES } from '../../../../src/engine/rules/index.ts'

// The bundled policy files are the reference admins read: each shows every setting of its rules.
const FILES = { 'policies/routes.yaml': 'ROUTE-', 'policies/ingresses.yaml': 'ING-' }

for (const [file, prefix] of Object.entries(FILES)) {
  t.test(`${file} configures every ${prefix}* rule with every setting`, async (t) => {
    const configured = (parse(readFileSync(file, 'utf8')) as { spec: { rules: Record<string, Record<string, unknown>> } }).spec.rules
    const rules = RULES.filter((rule) => rule.id.startsWith(prefix))
    t.same(Object.keys(configured).sort(), rules.map((rule) => rule.id).sort())
    for (const rule of rules) {
      const { action, ...settings } = configured[rule.id] ?? {}
      t.equal(action, rule.defaultAction, `${rule.id} ships with its catalog action`)
      t.same(Object.keys(settings).sort(), Object.keys(rule.defaults).sort(), `${rule.id} shows every setting`)
    }
  })
}
