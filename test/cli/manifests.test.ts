import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { formatManifestProblem, parseJsonManifests, parseManifests, readManifests } from '../../src/cli/manifests.ts'

const FIXTURES = 'test/fixtures/manifests'
const noStdin = async (): Promise<string> => { throw new Error('stdin must not be read') }

t.test('a directory is read recursively in name order, hidden and non-manifest files skipped', async (t) => {
  const { manifests, problems } = await readManifests([`${FIXTURES}/app`], noStdin)
  t.same(problems, [])
  t.same(manifests.map(({ object, source }) => [source.file.replace(`${FIXTURES}/app/`, ''), source.document, source.item, source.line, object.metadata?.name ?? object.metadata?.generateName]), [
    ['10-namespace.yaml', 1, undefined, 1, 'shop'],
    ['list.json', 1, 0, undefined, 'api'],
    ['list.json', 1, 1, undefined, 'settings'],
    ['nested/lb.yml', 1, 0, 4, 'lb-'],
    ['services.yaml', 1, undefined, 2, 'web-nodeport'],
    ['services.yaml', 2, undefined, 13, 'web']
  ])
})

t.test('paths are read in the order given; a file is read whatever its name', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'netguard-manifests-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'svc.txt'), 'apiVersion: v1\nkind: Service\nmetadata: {name: txt}\n')
  await symlink(dir, join(dir, 'loop'))
  const { manifests, problems } = await readManifests([join(dir, 'svc.txt'), `${FIXTURES}/app/10-namespace.yaml`, dir], noStdin)
  t.same(problems, [])
  t.same(manifests.map(({ object }) => object.metadata?.name), ['txt', 'shop'], 'a directory links back to itself without looping')
})

t.test('- reads standard input', async (t) => {
  const { manifests } = await readManifests(['-'], async () => 'apiVersion: v1\nkind: Service\nmetadata: {name: piped}\n')
  t.match(manifests, [{ object: { metadata: { name: 'piped' } }, source: { file: '(stdin)', document: 1, line: 1 } }])
})

t.test('every unreadable input is reported with file, document, line and reason', async (t) => {
  const { manifests, problems } = await readManifests([`${FIXTURES}/bad`, `${FIXTURES}/missing.yaml`], noStdin)
  t.same(manifests.map(({ object }) => object.metadata?.name), ['fine'])
  t.same(problems.map(formatManifestProblem), [
    `${FIXTURES}/bad/broken.yaml:10: document 2: Map keys must be unique`,
    `${FIXTURES}/bad/broken.yaml:12: document 3: not a Kubernetes object: expected a map with apiVersion and kind, got a list`,
    `${FIXTURES}/bad/broken.yaml:15: document 4: not a Kubernetes object: apiVersion is missing or not a string`,
    `${FIXTURES}/bad/broken.yaml:21: document 5, items[0]: metadata.name is not a string (got a list)`,
    `${FIXTURES}/bad/truncated.json: document 1: invalid JSON: Unexpected end of JSON input`,
    `${FIXTURES}/missing.yaml: cannot read: no such file or directory`
  ])
})

t.test('parse edge cases', async (t) => {
  t.same(parseManifests('empty.yaml', '').manifests, [])
  t.same(parseManifests('comments.yaml', '# nothing\n---\n---\n').manifests, [])
  t.same(parseJsonManifests('empty.json', '  \n'), { manifests: [], problems: [] })
  t.match(parseManifests('x.yaml', 'a: b').problems, [{ message: 'not a Kubernetes object: apiVersion is missing or not a string' }])
  t.match(parseManifests('x.yaml', 'apiVersion: v1').problems, [{ message: 'not a Kubernetes object: kind is missing or not a string' }])
  t.match(parseManifests('x.yaml', 'just text').problems, [{ message: 'not a Kubernetes object: expected a map with apiVersion and kind, got the string "just text"' }])
  t.match(parseManifests('x.yaml', '42').problems, [{ message: /got number 42/ }])
  t.match(parseManifests('x.yaml', 'apiVersion: v1\nkind: Service\nmetadata: [a]\n').problems, [{ message: 'metadata is not a map (got a list)' }])
  t.match(parseManifests('x.yaml', 'apiVersion: v1\nkind: List\nitems: {}\n').problems, [{ message: 'List has no items list' }])
  t.match(parseManifests('x.yaml', 'apiVersion: v1\nkind: List\nitems: [null]\n').problems, [{ item: 0, message: /got null/ }])
  t.same(parseManifests('x.yaml', 'apiVersion: v1\nkind: PodList\nitems: []\n'), { manifests: [], problems: [] })
  const kindNamedList = parseManifests('x.yaml', 'apiVersion: example.com/v1\nkind: AllowList\nspec: {}\n')
  t.equal(kindNamedList.manifests.length, 1, 'a kind ending in List without items is an object')
})

t.test('YAML merge keys are expanded as kubectl does; alias bombs are refused', async (t) => {
  const merged = parseManifests('x.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: m}\nbase: &b {type: NodePort}\nspec:\n  <<: *b\n')
  t.match(merged.manifests, [{ object: { spec: { type: 'NodePort' } } }])
  const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n')
  t.match(parseManifests('bomb.yaml', bomb).problems, [{ file: 'bomb.yaml', document: 1, message: /alias/i }])
})
