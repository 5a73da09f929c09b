import { readFileSync } from 'node:fs'
import t from 'tap'
import { runCliWith } from '../helpers/cli.ts'

// docs/check.md shows each output format with what a command run from examples/check prints,
// marked `<!-- example: netguard check ARGS -->` above its block; this keeps the page true.
const EXAMPLE = /<!-- example: netguard (check [^>]*?) -->\n```[a-z]*\n([\s\S]*?)```/g
const FROM = 'examples/check/'

t.test('every example of docs/check.md is what its command prints from examples/check', async (t) => {
  const examples = [...readFileSync('docs/check.md', 'utf8').matchAll(EXAMPLE)]
  const formats = new Set(examples.map(([, command = '']) => /-o (\w+)/.exec(command)?.[1] ?? 'text'))
  t.same([...formats].sort(), ['github', 'json', 'junit', 'sarif', 'text'], 'an example of every output format')
  for (const [, command = '', shown] of examples) {
    const args = command.split(' ').map((arg) => arg.startsWith('k8s/') ? `${FROM}${arg}` : arg)
    const { stdout, stderr } = await runCliWith(args)
    t.equal(stderr, '', command)
    t.equal(stdout.replaceAll(FROM, ''), shown, command)
  }
})

// A report redirected to a file must be the report alone: `npm run` (without -s) prints its
// banner to standard output first, which broke the README's JUnit example.
t.test('the README redirects only netguard\'s own output to a report file', async (t) => {
  const redirected = readFileSync('README.md', 'utf8').split('\n').filter((line) => /netguard|npm run/.test(line) && / > \S+\.(xml|json|sarif)/.test(line))
  t.ok(redirected.length > 0, 'the README has a pipeline example')
  for (const line of redirected) t.notMatch(line, /npm run (?!-s )/, line)
})
