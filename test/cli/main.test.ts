import { readFileSync } from 'node:fs'
import t from 'tap'
import { runCliWith } from '../helpers/cli.ts'

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

t.test('--version (and -V, version) prints the package version and exits 0', async (t) => {
  for (const flag of ['--version', '-V', 'version']) {
    const result = await runCliWith([flag])
    t.same(result, { code: 0, stdout: `${version}\n`, stderr: '' }, flag)
  }
})

t.test('no command: the usage, exit 2; an unknown one is named', async (t) => {
  const none = await runCliWith([])
  t.equal(none.code, 2)
  t.match(none.stdout, /"netguard --version" for the version/)
  const unknown = await runCliWith(['chek'])
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, 'netguard: unknown command "chek"')
})
