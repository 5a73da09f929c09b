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
    '6 objects in 4 files: 1 denied, 0 with warnings, 5 allowed, 0 skipped (mode enforce)',
    ''
  ].join('\n'))
})

t.test('--namespace sets the default namespace; a rule that needs cluster state says when there is none', async (t) => {
  const { code, stdout } = await check(['-f', `${APP}/services.yaml`, '-n', 'edge', '--policies', 'test/fixtures/policies/strict-selector'], '')
  t.equal(code, 1, 'whenUnknown deny without cluster state')
  t.match(stdout, 'DENY  Service edge/web')
  t.match(stdout, '[SVC-UNIQUE-SELECTOR] existing Service objects are not known (no cluster state was given), so this could not be checked; give netguard check the cluster\'s objects with --cluster-state')
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
  t.match(stdout, '1 object in 1 file: 0 denied, 1 with warnings, 0 allowed, 0 skipped (mode audit)')
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
  const passes = (...ids: string[]): unknown[] => ids.map((rule) => ({ rule, point: 'validate', status: 'pass' }))
  const serviceRules = ['SVC-LOADBALANCER', 'SVC-EXTERNALIP', 'SVC-EXTERNALNAME', 'SVC-EXTERNAL-DNS-UNIQUE']
  t.same(JSON.parse(stdout), {
    apiVersion: 'netguard.io/v1alpha1',
    kind: 'CheckReport',
    mode: 'enforce',
    summary: { objects: 2, files: 1, denied: 1, warned: 0, allowed: 1, skipped: 0, violations: 1, skippedDocuments: 0 },
    results: [
      {
        file: `${APP}/services.yaml`,
        document: 1,
        line: 2,
        apiVersion: 'v1',
        kind: 'Service',
        namespace: 'shop',
        name: 'web-nodeport',
        operation: 'CREATE',
        verdict: 'deny',
        violations: [{ rule: 'SVC-NODEPORT', action: 'deny', path: 'spec.type', message: 'spec.type NodePort is not allowed in namespace shop', fix: 'use a Route or a ClusterIP Service', line: 8, column: 3 }],
        mutations: [],
        rules: [...passes('SCHEMA-UNKNOWN-FIELD'), { rule: 'SVC-NODEPORT', point: 'validate', status: 'fail' }, ...passes(...serviceRules)]
      },
      {
        file: `${APP}/services.yaml`,
        document: 2,
        line: 13,
        apiVersion: 'v1',
        kind: 'Service',
        namespace: 'default',
        name: 'web',
        operation: 'CREATE',
        verdict: 'allow',
        violations: [],
        mutations: [],
        rules: passes('SCHEMA-UNKNOWN-FIELD', 'SVC-NODEPORT', ...serviceRules)
      }
    ],
    skipped: []
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
    '<testsuites name="netguard check" tests="2" failures="1" errors="0" skipped="0">',
    '  <testsuite name="(stdin)" tests="1" failures="1" errors="0" skipped="0">',
    '    <testcase classname="(stdin)" name="Service default/a&lt;b&gt;&amp;&quot;c ((stdin):1)" file="(stdin)" line="1">',
    '      <failure type="SVC-NODEPORT" message="[SVC-NODEPORT] spec.type NodePort is not allowed in namespace default; use a Route or a ClusterIP Service">' +
      '[SVC-NODEPORT] spec.type NodePort is not allowed in namespace default; use a Route or a ClusterIP Service (line 4)</failure>',
    '    </testcase>',
    '  </testsuite>',
    `  <testsuite name="${APP}/10-namespace.yaml" tests="1" failures="0" errors="0" skipped="0">`,
    `    <testcase classname="${APP}/10-namespace.yaml" name="Namespace shop (${APP}/10-namespace.yaml:1)" file="${APP}/10-namespace.yaml" line="1">`,
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
  t.equal(stderr.split('\n').filter(Boolean).length, 4, 'a list document is not a Kubernetes object: skipped, not a problem')
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
    '6 objects in 4 files: 1 denied, 0 with warnings, 5 allowed, 0 skipped (mode enforce)',
    ''
  ].join('\n'))
})

const MIXED = 'test/fixtures/check/mixed'

t.test('skip is not pass: kinds no rule reads, and documents that are not manifests, are skipped with the reason', async (t) => {
  const { code, stdout, stderr } = await check(['-f', MIXED])
  t.equal(code, 0, 'warnings alone do not fail')
  t.equal(stderr, '')
  t.match(stdout, `SKIP  Secret shop/token (${MIXED}/app.yaml:14): no rule reads Secret\n`)
  t.match(stdout, `SKIP  ${MIXED}/kustomization.yaml:1: a kustomize file, read by kustomize: check what \`kustomize build\` renders\n`)
  t.match(stdout, `SKIP  ${MIXED}/templates/service.yaml: a template ({{ }}), not a manifest`)
  t.match(stdout, `SKIP  ${MIXED}/values.yaml:2: not a Kubernetes object: it has no kind (Helm values`)
  t.notMatch(stdout, 'README.md', 'only .yaml, .yml and .json files are read from a folder')
  t.match(stdout, '\n3 objects in 1 file: 0 denied, 2 with warnings, 0 allowed, 1 skipped (mode enforce); 3 documents skipped, not Kubernetes objects\n')
  const json = JSON.parse((await check(['-f', MIXED, '-o', 'json'])).stdout)
  t.match(json.summary, { objects: 3, skipped: 1, skippedDocuments: 3 })
  t.match(json.results[1], { kind: 'Secret', verdict: 'skip', reason: 'no rule reads Secret', rules: [] })
  t.match(json.skipped, [{ file: `${MIXED}/kustomization.yaml`, document: 1, line: 1, reason: /kustomize/ }, { file: `${MIXED}/templates/service.yaml` }, { file: `${MIXED}/values.yaml` }])
  const quiet = await check(['-f', MIXED, '-q'])
  t.notMatch(quiet.stdout, 'SKIP', '--quiet leaves skips out, not their count')
  const readme = await check(['-f', `${MIXED}/README.md`, '-f', `${MIXED}/app.yaml`])
  t.match(readme.stdout, `SKIP  ${MIXED}/README.md: neither YAML nor JSON`)
  const nothing = await check(['-f', `${MIXED}/values.yaml`])
  t.same([nothing.code, nothing.stderr], [2, `netguard check: ${MIXED}/values.yaml: no Kubernetes objects found (1 document skipped: not Kubernetes objects)\n`])
})

t.test('unknown fields are warnings naming the field, at its line', async (t) => {
  const { stdout } = await check(['-f', `${MIXED}/app.yaml`, '-o', 'json'])
  const [service, , route] = JSON.parse(stdout).results
  t.match(service, { verdict: 'warn', violations: [{ rule: 'SCHEMA-UNKNOWN-FIELD', path: 'spec.typ', line: 9, column: 3, fix: 'did you mean spec.type?' }, { path: 'spec.ports[0].targetport', line: 12, column: 7 }] })
  t.match(route.violations, [{ rule: 'SCHEMA-UNKNOWN-FIELD', path: 'spec.tls.insecureEdgeTermination', line: 32, column: 5 }])
  const failOnWarn = await check(['-f', `${MIXED}/app.yaml`, '--fail-on', 'warn'])
  t.equal(failOnWarn.code, 1, '--fail-on warn fails on a misspelt field')
})

t.test('AdmissionReview files are reviewed as the requests they hold', async (t) => {
  const { code, stdout } = await check(['-f', 'examples/reviews/namespace-update-remove-label.json', '-f', 'examples/reviews/networkpolicy-managed-delete.json', '-f', 'examples/reviews/service-clusterip-allowed.json'])
  t.equal(code, 1)
  t.match(stdout, /^PASS {2}UPDATE Namespace team-blue \(examples\/reviews\/namespace-update-remove-label\.json, document 1\)\n {2}patch: \[NS-ISOLATION\] keeps label/m, 'the old object is there: the update dropped the label')
  t.match(stdout, /^DENY {2}DELETE NetworkPolicy \S+\/\S+ \(examples\/reviews\/networkpolicy-managed-delete\.json, document 1\)\n {2}deny: \[NETPOL-MANAGED\]/m)
  t.match(stdout, /^PASS {2}Service \S+\/\S+ \(examples\/reviews\/service-clusterip-allowed\.json/m)
  t.notMatch(stdout, 'AdmissionReview', 'the request is reported, not its envelope')
  const broken = await check(['-f', '-'], 'apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nrequest: {uid: x}\n')
  t.equal(broken.code, 2)
  t.match(broken.stderr, /^netguard check: \(stdin\):1: document 1: AdmissionReview: /)
})

t.test('--old pairs manifests with their previous version: UPDATE, DELETE', async (t) => {
  const { code, stdout } = await check(['-f', 'test/fixtures/check/new', '--old', 'test/fixtures/check/old'])
  t.equal(code, 1)
  t.equal(stdout, [
    'DENY  UPDATE Namespace shop (test/fixtures/check/new/namespace.yaml:2)',
    '  deny: [NS-ISOLATION-OPTOUT] metadata.labels["netguard.io/isolation"]: setting it to "none" opts the namespace out of isolation; keep netguard.io/isolation: default-deny, or ask a cluster admin for an exception',
    '  deny: [NS-RESERVED-LABELS] setting metadata.labels["netguard.io/ignore"] to "true" is reserved to exempt users and groups: netguard\'s webhooks skip a namespace that carries it; leave the label as it was; a cluster admin (an exempt user or group) sets it',
    // Offline: nothing says which labels an EgressIP or admin policy selects by.
    '  warn: [NS-SELECTED-LABELS] existing EgressIP objects are not known (no cluster state was given), so this could not be checked; give netguard check the cluster\'s objects with --cluster-state, or netguard serve access to the cluster',
    'PASS  UPDATE Service shop/web (test/fixtures/check/new/service.yaml:1)',
    'DENY  DELETE NetworkPolicy shop/allow-same-namespace (test/fixtures/check/old/netpol.yaml:2)',
    '  deny: [NETPOL-MANAGED] NetworkPolicy allow-same-namespace is managed by netguard and cannot be deleted; add a NetworkPolicy of your own instead, or ask a cluster admin',
    '',
    '3 objects in 3 files: 2 denied, 0 with warnings, 1 allowed, 0 skipped (mode enforce)',
    ''
  ].join('\n'))
  const created = await check(['-f', 'test/fixtures/check/new'])
  t.match(created.stdout, /^DENY {2}Namespace shop/m, 'without --old: a CREATE')
  t.notMatch(created.stdout, 'NETPOL-MANAGED', 'and no DELETE of what the old version had')
  const json = JSON.parse((await check(['-f', 'test/fixtures/check/new', '--old', 'test/fixtures/check/old', '-o', 'json'])).stdout)
  t.same(json.results.map((result: { operation: string }) => result.operation), ['UPDATE', 'UPDATE', 'DELETE'])
})

t.test('--exit-zero and --fail-on decide the exit status, not the report', async (t) => {
  const denied = await check(['-f', APP])
  const zero = await check(['-f', APP, '--exit-zero'])
  t.same([denied.code, zero.code], [1, 0])
  t.equal(zero.stdout, denied.stdout)
  t.equal((await check(['-f', APP, '--fail-on', 'deny'])).code, 1)
  const bad = await check(['-f', APP, '--fail-on', 'error'])
  t.same([bad.code, bad.stdout], [2, ''])
  t.match(bad.stderr, '--fail-on must be one of deny, warn, got "error"')
  t.equal((await check(['-f', 'test/fixtures/manifests/bad', '--exit-zero'])).code, 2, 'unusable input still exits 2')
})

t.test('junit: skipped objects and documents are skipped cases with the reason', async (t) => {
  const { stdout } = await check(['-f', MIXED, '-o', 'junit'])
  t.match(stdout, '<testsuites name="netguard check" tests="6" failures="0" errors="0" skipped="4">')
  t.match(stdout, `<testcase classname="${MIXED}/app.yaml" name="Secret shop/token (${MIXED}/app.yaml:14)" file="${MIXED}/app.yaml" line="14">\n      <skipped message="no rule reads Secret"/>\n    </testcase>`)
  t.match(stdout, `<testcase classname="${MIXED}/values.yaml" name="${MIXED}/values.yaml:2" file="${MIXED}/values.yaml" line="2">\n      <skipped message="not a Kubernetes object: it has no kind (Helm values, Chart.yaml or other configuration?)"/>`)
  t.match(stdout, '<system-out>warn: [SCHEMA-UNKNOWN-FIELD] spec.typ is not a field of Service (v1); did you mean spec.type?')
})

t.test('netguard\'s own default isolation, exactly as it writes it, is skipped and says so', async (t) => {
  const { code, stdout } = await check(['-f', 'examples/isolation/secondary-network-deny.yaml', '-o', 'json'])
  t.equal(code, 0)
  const [result] = (JSON.parse(stdout) as { results: { verdict: string, reason?: string, rules: { rule: string, exemptBy?: string }[] }[] }).results
  t.match(result, { verdict: 'skip', reason: 'netguard\'s own default isolation, exactly as netguard writes it' })
  const policyRules = result?.rules.filter((rule) => rule.rule.startsWith('MNP-')) ?? []
  t.ok(policyRules.length > 0 && policyRules.every((rule) => rule.exemptBy === 'managed'), 'no MultiNetworkPolicy rule runs')
})
