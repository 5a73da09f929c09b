import t from 'tap'
import { runCliWith } from '../helpers/cli.ts'

const APP = 'test/fixtures/manifests/app'
const check = async (args: readonly string[], stdin = '') => await runCliWith(['check', ...args], { stdin })

t.test('text: one line per object, each violation with rule ID and fix, a summary; exit 1 on a deny', async (t) => {
  const { code, stdout, stderr } = await check(['-f', APP])
  t.equal(code, 1)
  t.equal(stderr, '')
  t.equal(stdout, [
    `PASS  Namespace shop (${APP}/10-namespace.yaml:1)`,
    '  patch: [NS-ISOLATION] adds label netguard.io/isolation=default-deny',
    `PASS  Service shop/api (${APP}/list.json, document 1, items[0])`,
    `PASS  ConfigMap shop/settings (${APP}/list.json, document 1, items[1])`,
    `PASS  Service shop/lb-* (${APP}/nested/lb.yml:4)`,
    `DENY  Service shop/web-nodeport (${APP}/services.yaml:2)`,
    '  deny: [SVC-NODEPORT] spec.type NodePort is not allowed in namespace shop; use a Route or a ClusterIP Service',
    `PASS  Service default/web (${APP}/services.yaml:13)`,
    '',
    '6 objects in 4 files: 1 denied, 0 with warnings, 5 allowed (mode enforce)',
    ''
  ].join('\n'))
})

t.test('--namespace sets the default namespace; a rule that needs cluster state says when there is none', async (t) => {
  const { code, stdout } = await check(['-f', `${APP}/services.yaml`, '-n', 'edge', '--policies', 'test/fixtures/policies/strict-selector'], '')
  t.equal(code, 1, 'whenUnknown deny without cluster state')
  t.match(stdout, 'DENY  Service edge/web')
  t.match(stdout, '[SVC-UNIQUE-SELECTOR] existing Service objects are not known yet')
})

t.test('--cluster-state makes every kind known; its objects get the same default namespace', async (t) => {
  const policies = ['--policies', 'test/fixtures/policies/strict-selector']
  const clash = await check(['-f', `${APP}/services.yaml`, '--cluster-state', 'test/fixtures/manifests/state', ...policies])
  t.equal(clash.code, 1)
  t.match(clash.stdout, '[SVC-UNIQUE-SELECTOR] spec.selector {app: web} is the same as the selector {app: web} of Service existing-web')
  const inShop = 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}}\n'
  const elsewhere = await check(['-f', '-', '--cluster-state', 'test/fixtures/manifests/state', ...policies], inShop)
  t.equal(elsewhere.code, 0, 'the state object is in namespace default, the checked one in shop')
  const both = await check(['-f', '-', '-n', 'shop', '--cluster-state', 'test/fixtures/manifests/state', ...policies], inShop)
  t.equal(both.code, 1, 'with -n shop the state object is in shop too')
})

t.test('stdin and --mode audit: nothing denied, exit 0, what would be denied is shown', async (t) => {
  const manifest = 'apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec: {type: NodePort}\n'
  const { code, stdout } = await check(['-f', '-', '--mode', 'audit'], manifest)
  t.equal(code, 0)
  t.match(stdout, 'WARN  Service default/np ((stdin):1)\n  would deny: [SVC-NODEPORT]')
  t.match(stdout, '1 object in 1 file: 0 denied, 1 with warnings, 0 allowed (mode audit)')
})

t.test('NETGUARD_MODE sets the mode when --mode does not', async (t) => {
  const manifest = 'apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec: {type: NodePort}\n'
  t.equal((await runCliWith(['check', '-f', '-'], { stdin: manifest, env: { NETGUARD_MODE: 'audit' } })).code, 0)
  t.equal((await runCliWith(['check', '-f', '-', '--mode', 'enforce'], { stdin: manifest, env: { NETGUARD_MODE: 'audit' } })).code, 1)
})

t.test('--user and --group reach exemptions', async (t) => {
  const manifest = 'apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec: {type: NodePort}\n'
  t.equal((await check(['-f', '-', '--group', 'system:masters'], manifest)).code, 0)
  t.equal((await check(['-f', '-', '--user', 'system:serviceaccount:kube-system:replicaset-controller'], manifest)).code, 0)
  t.equal((await check(['-f', '-', '--user', 'system:serviceaccount:openshift-gitops:openshift-gitops-argocd-application-controller'], manifest)).code, 1, 'GitOps is judged')
  t.equal((await check(['-f', '-', '--user', 'bob', '--group', 'dev'], manifest)).code, 1)
})

t.test('json: the documented, stable shape', async (t) => {
  const { code, stdout } = await check(['-f', `${APP}/services.yaml`, '-o', 'json'])
  t.equal(code, 1)
  t.same(JSON.parse(stdout), {
    apiVersion: 'netguard.io/v1alpha1',
    kind: 'CheckReport',
    mode: 'enforce',
    summary: { objects: 2, files: 1, denied: 1, warned: 0, allowed: 1, violations: 1 },
    results: [
      {
        file: `${APP}/services.yaml`,
        document: 1,
        line: 2,
        apiVersion: 'v1',
        kind: 'Service',
        namespace: 'shop',
        name: 'web-nodeport',
        verdict: 'deny',
        violations: [{ rule: 'SVC-NODEPORT', action: 'deny', path: 'spec.type', message: 'spec.type NodePort is not allowed in namespace shop', fix: 'use a Route or a ClusterIP Service' }],
        mutations: []
      },
      { file: `${APP}/services.yaml`, document: 2, line: 13, apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web', verdict: 'allow', violations: [], mutations: [] }
    ]
  })
  const items = JSON.parse((await check(['-f', `${APP}/list.json`, '-f', `${APP}/10-namespace.yaml`, '-o', 'json'])).stdout)
  t.match(items.results, [{ item: 0 }, { item: 1 }, { kind: 'Namespace', namespace: undefined, mutations: [{ rule: 'NS-ISOLATION', action: 'mutate' }] }])
})

t.test('junit: a suite per file, a failing case per denied object, escaped', async (t) => {
  const manifest = 'apiVersion: v1\nkind: Service\nmetadata: {name: "a<b>&\\"c"}\nspec: {type: NodePort}\n'
  const { code, stdout } = await check(['-f', '-', '-f', `${APP}/10-namespace.yaml`, '-o', 'junit'], manifest)
  t.equal(code, 1)
  t.equal(stdout, [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites name="netguard check" tests="2" failures="1" errors="0">',
    '  <testsuite name="(stdin)" tests="1" failures="1" errors="0" skipped="0">',
    '    <testcase classname="(stdin)" name="Service default/a&lt;b&gt;&amp;&quot;c ((stdin):1)">',
    '      <failure type="SVC-NODEPORT" message="[SVC-NODEPORT] spec.type NodePort is not allowed in namespace default; use a Route or a ClusterIP Service">' +
      '[SVC-NODEPORT] spec.type NodePort is not allowed in namespace default; use a Route or a ClusterIP Service</failure>',
    '    </testcase>',
    '  </testsuite>',
    `  <testsuite name="${APP}/10-namespace.yaml" tests="1" failures="0" errors="0" skipped="0">`,
    `    <testcase classname="${APP}/10-namespace.yaml" name="Namespace shop (${APP}/10-namespace.yaml:1)">`,
    '      <system-out>patch: [NS-ISOLATION] adds label netguard.io/isolation=default-deny</system-out>',
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    ''
  ].join('\n'))
  const clean = await check(['-f', `${APP}/services.yaml`, '-o', 'junit', '--mode', 'audit'])
  t.match(clean.stdout, '<system-out>would deny: [SVC-NODEPORT]')
})

t.test('unreadable input: exit 2, every problem on stderr, nothing on stdout', async (t) => {
  const { code, stdout, stderr } = await check(['-f', 'test/fixtures/manifests/bad', '-f', APP])
  t.equal(code, 2)
  t.equal(stdout, '')
  t.match(stderr, 'netguard check: test/fixtures/manifests/bad/broken.yaml:10: document 2: Map keys must be unique\n')
  t.equal(stderr.split('\n').filter(Boolean).length, 5)
  const empty = await check(['-f', '-'], '# nothing here\n')
  t.same([empty.code, empty.stderr], [2, 'netguard check: -: no Kubernetes objects found\n'])
  const badState = await check(['-f', APP, '--cluster-state', 'test/fixtures/manifests/nope'])
  t.same([badState.code, badState.stderr], [2, 'netguard check: test/fixtures/manifests/nope: cannot read: no such file or directory\n'])
})

t.test('a bad policy: exit 2 with the policy error', async (t) => {
  const { code, stderr } = await check(['-f', APP, '--policies', 'test/fixtures/policies/broken'])
  t.equal(code, 2)
  t.match(stderr, /policy\.yaml:8: spec\.rules\.SVC-NODEPORT\.action: expected one of/)
  t.match((await check(['-f', APP, '--policies', 'test/fixtures/policies/none'])).stderr, /cannot read policies from \S*test\/fixtures\/policies\/none/)
})

t.test('usage errors: exit 2 with the usage', async (t) => {
  for (const args of [[], ['-f', APP, '-o', 'yaml'], ['-f', APP, '--mode', 'loud'], ['-f', APP, '--bogus'], ['-f', '-', '--cluster-state', '-']]) {
    const { code, stderr } = await check(args)
    t.equal(code, 2, args.join(' '))
    t.match(stderr, 'usage: netguard check')
  }
  const help = await check(['--help'])
  t.same([help.code, help.stdout.startsWith('usage: netguard check')], [0, true])
})

t.test('listed in the netguard usage', async (t) => {
  t.match((await runCliWith(['--help'])).stdout, 'check     evaluate manifest files offline')
})

t.test('files given as manifests and as cluster state are read once and reported once', async (t) => {
  const bad = await check(['-f', 'test/fixtures/manifests/bad/truncated.json', '--cluster-state', 'test/fixtures/manifests/bad/truncated.json'])
  t.same([bad.code, bad.stderr.split('\n').filter(Boolean).length], [2, 1])
  const self = await check(['-f', APP, '--cluster-state', APP, '--policies', 'test/fixtures/policies/strict-selector'])
  t.notMatch(self.stdout, 'SVC-UNIQUE-SELECTOR', 'an object does not clash with itself')
})

t.test('--quiet leaves out objects that pass with nothing to report, not the summary', async (t) => {
  const { code, stdout } = await check(['-f', APP, '-q'])
  t.equal(code, 1)
  t.equal(stdout, [
    `PASS  Namespace shop (${APP}/10-namespace.yaml:1)`,
    '  patch: [NS-ISOLATION] adds label netguard.io/isolation=default-deny',
    `DENY  Service shop/web-nodeport (${APP}/services.yaml:2)`,
    '  deny: [SVC-NODEPORT] spec.type NodePort is not allowed in namespace shop; use a Route or a ClusterIP Service',
    '',
    '6 objects in 4 files: 1 denied, 0 with warnings, 5 allowed (mode enforce)',
    ''
  ].join('\n'))
})
