import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { RULES } from '../../../src/engine/rules/index.ts'

// docs/rules is the catalog: a rule added without its entry there fails here.
t.test('every rule is documented in docs/rules', async (t) => {
  const pages = readdirSync('docs/rules').filter((file) => file.endsWith('.md')).map((file) => readFileSync(`docs/rules/${file}`, 'utf8'))
  for (const rule of RULES) t.ok(pages.some((page) => new RegExp(`(^|[^A-Z-])${rule.id}([^A-Z-]|$)`).test(page)), `${rule.id} is in docs/rules`)
})
