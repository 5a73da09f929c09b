import t from 'tap'
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { compilePolicy } from '../../src/policy/compile.ts'
import { parseSource } from '../../src/policy/parse.ts'

const examples = fileURLToPath(new URL('../../policies/examples/', import.meta.url))

t.test('every commented example policy compiles on its own', async (t) => {
  const files = (await readdir(examples)).filter((file) => /\.ya?ml$/.test(file))
  t.ok(files.length > 0)
  for (const file of files) {
    const { documents, problems } = parseSource(file, await readFile(examples + file, 'utf8'))
    t.same(problems, [], `${file} parses`)
    t.doesNotThrow(() => compilePolicy(documents), file)
  }
})
