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
  const { manifests, skipped, problems } = await readManifests([`${FIXTURES}/bad`, `${FIXTURES}/missing.yaml`], noStdin)
  t.same(manifests.map(({ object }) => object.metadata?.name), ['fine'])
  t.same(skipped, [{ file: `${FIXTURES}/bad/broken.yaml`, document: 3, line: 12, reason: 'not a Kubernetes object (a list)' }])
  t.same(problems.map(formatManifestProblem), [
    `${FIXTURES}/bad/broken.yaml:10: document 2: Map keys must be unique`,
    `${FIXTURES}/bad/broken.yaml:15: document 4: not a Kubernetes object: apiVersion is missing or not a string`,
    `${FIXTURES}/bad/broken.yaml:21: document 5, items[0]: metadata.name is not a string (got a list)`,
    `${FIXTURES}/bad/truncated.json: document 1: invalid JSON: Unexpected end of JSON input`,
    `${FIXTURES}/missing.yaml: cannot read: no such file or directory`
  ])
})

t.test('parse edge cases', async (t) => {
  t.same(parseManifests('empty.yaml', '').manifests, [])
  t.same(parseManifests('comments.yaml', '# nothing\n---\n---\n').manifests, [])
  t.same(parseJsonManifests('empty.json', '  \n'), { manifests: [], skipped: [], problems: [] })
  t.match(parseManifests('x.yaml', 'apiVersion: v1').skipped, [{ reason: /it has no kind/ }], 'Chart.yaml has an apiVersion and no kind')
  t.match(parseManifests('x.yaml', 'a: b').skipped, [{ reason: /it has no kind \(Helm values/ }])
  t.match(parseManifests('x.yaml', 'kind: Service').problems, [{ message: 'not a Kubernetes object: apiVersion is missing or not a string' }], 'a kind without apiVersion is a broken manifest')
  t.match(parseManifests('x.yaml', 'just text').skipped, [{ reason: 'not a Kubernetes object (the string "just text")' }])
  t.match(parseManifests('x.yaml', '42').skipped, [{ reason: /number 42/ }])
  t.match(parseManifests('x.yaml', 'apiVersion: v1\nkind: Service\nmetadata: [a]\n').problems, [{ message: 'metadata is not a map (got a list)' }])
  t.match(parseManifests('x.yaml', 'apiVersion: v1\nkind: List\nitems: {}\n').problems, [{ message: 'List has no items list' }])
  t.match(parseManifests('x.yaml', 'apiVersion: v1\nkind: List\nitems: [null]\n').problems, [{ item: 0, message: /got null/ }])
  t.same(parseManifests('x.yaml', 'apiVersion: v1\nkind: PodList\nitems: []\n'), { manifests: [], skipped: [], problems: [] })
  const kindNamedList = parseManifests('x.yaml', 'apiVersion: example.com/v1\nkind: AllowList\nspec: {}\n')
  t.equal(kindNamedList.manifests.length, 1, 'a kind ending in List without items is an object')
})

t.test('files a repository keeps beside its manifests are skipped with the reason, not errors', async (t) => {
  const kustomization = parseManifests('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n')
  t.same(kustomization, { manifests: [], skipped: [{ file: 'kustomization.yaml', document: 1, line: 1, reason: 'a kustomize file, read by kustomize: check what `kustomize build` renders' }], problems: [] })
  t.match(parseManifests('suite.yaml', 'apiVersion: netguard.io/v1alpha1\nkind: Test\ncases: []\n').skipped, [{ reason: /netguard test suite/ }])
  t.match(parseManifests('config', 'apiVersion: v1\nkind: Config\nclusters: []\n').skipped, [{ reason: 'a kubeconfig, not a cluster object' }])
  const template = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.lb }}\nspec: {type: LoadBalancer}\n{{- end }}\n'
  t.same(parseManifests('templates/svc.yaml', template).skipped, [{ file: 'templates/svc.yaml', reason: 'a template ({{ }}), not a manifest: check what it renders (helm template, kustomize build)' }])
  const alert = 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: Down\n          annotations:\n            summary: "{{ $labels.pod }} is down"\n            description: Pod {{ $labels.pod }} is down\n'
  t.equal(parseManifests('rule.yaml', alert).manifests.length, 1, 'a {{ }} inside a string is text, not a template')
  t.match(parseManifests('README.md', '# title\n\n- a: [b\n').skipped, [{ reason: 'neither YAML nor JSON' }], 'a file named explicitly that does not parse')
  t.match(parseManifests('broken.yaml', '- a: [b\n').problems, [{ file: 'broken.yaml' }], 'a .yaml file that does not parse is a problem')
})

t.test('a finding\'s field path maps to the line and column where the field is written', async (t) => {
  const text = '# comment\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    a.b/c: "x"\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n'
  const [service] = parseManifests('svc.yaml', text).manifests
  t.same(service?.position(['spec', 'type']), { line: 9, column: 3 })
  t.same(service?.position(['spec', 'ports', 0, 'nodePort']), { line: 12, column: 7 })
  t.same(service?.position(['metadata', 'annotations', 'a.b/c']), { line: 7, column: 5 })
  t.same(service?.position(['spec', 'tls', 'termination']), { line: 8, column: 1 }, 'a missing field points at its deepest parent')
  t.same(service?.position([]), { line: 2, column: 1 }, 'the object as a whole: its first line')
  const [, second] = parseManifests('two.yaml', `${text}---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {type: NodePort}\n`).manifests
  t.same(second?.position(['spec', 'type']), { line: 17, column: 8 }, 'positions count from the file, not the document')
  const list = parseJsonManifests('list.json', '{\n  "kind": "List", "apiVersion": "v1",\n  "items": [\n    {"apiVersion": "v1", "kind": "Service",\n     "spec": {"type": "NodePort"}}\n  ]\n}\n')
  t.same(list.manifests[0]?.position(['spec', 'type']), { line: 5, column: 15 }, 'JSON files are located when a finding asks')
})

t.test('YAML merge keys are expanded as kubectl does; alias bombs are refused', async (t) => {
  const merged = parseManifests('x.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: m}\nbase: &b {type: NodePort}\nspec:\n  <<: *b\n')
  t.match(merged.manifests, [{ object: { spec: { type: 'NodePort' } } }])
  const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n')
  t.match(parseManifests('bomb.yaml', bomb).problems, [{ file: 'bomb.yaml', document: 1, message: /alias/i }])
})
