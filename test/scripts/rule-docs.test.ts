import { readFileSync } from 'node:fs'
import t from 'tap'
import { headingAnchor, readDocFiles, ruleDocIndex, ruleDocsModule, RULE_DOCS_FILE } from '../../scripts/rule-docs.ts'
import { RULES } from '../../src/engine/rules/index.ts'

t.test('src/report/rule-docs.ts is what `npm run report:rule-docs` writes from docs/rules/ today', async (t) => {
  const index = ruleDocIndex(readDocFiles(), RULES.map((rule) => rule.id))
  t.equal(readFileSync(RULE_DOCS_FILE, 'utf8'), ruleDocsModule(index), 'run `npm run report:rule-docs` and commit the result')
  t.same(RULES.map((rule) => rule.id).filter((id) => index[id] === undefined), [], 'every rule of the registry is documented in docs/rules/')
})

t.test('anchors are the ones GitHub gives a heading', async (t) => {
  t.equal(headingAnchor('SVC-NODEPORT (deny)'), 'svc-nodeport-deny')
  t.equal(headingAnchor('ROUTE-ANNOTATIONS and ING-ANNOTATIONS'), 'route-annotations-and-ing-annotations')
  t.equal(headingAnchor('See [the API](https://example.com) `now`'), 'see-the-api-now')
})

t.test('a rule named in a heading wins over a bold mention; repeated headings are numbered; code blocks do not count', async (t) => {
  const files = [
    { name: 'b.md', text: '# Intro\n\n**A-ONE** is described below.\n\n## Notes\n\n## Notes\n\n**B-TWO** lives here.\n' },
    { name: 'a.md', text: '```\n# A-ONE\n```\n\n## A-ONE (deny)\n\ntext\n' }
  ]
  t.same(ruleDocIndex(files, ['A-ONE', 'B-TWO', 'C-THREE']), { 'A-ONE': 'a.md#a-one-deny', 'B-TWO': 'b.md#notes-1' })
})
