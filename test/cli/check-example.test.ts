import { readFileSync } from 'node:fs'
import t from 'tap'
import { runCliWith } from '../helpers/cli.ts'

// docs/check.md shows the text report of examples/check/k8s; this keeps the page true.
t.test('the text report in docs/check.md is what examples/check gives', async (t) => {
  const docs = readFileSync('docs/check.md', 'utf8')
  const shown = /### text \(default\)[\s\S]*?```\n([\s\S]*?)```/.exec(docs)?.[1]
  t.ok(shown, 'docs/check.md has a text report')
  const { code, stdout } = await runCliWith(['check', '-f', 'examples/check/k8s'])
  t.equal(code, 1)
  t.equal(stdout.replaceAll('examples/check/', ''), shown)
})
