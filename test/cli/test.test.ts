import { resolve } from 'node:path'
import t from 'tap'
import { runCliWith } from '../helpers/cli.ts'

const SUITES = 'test/fixtures/suites'
const SERVICES = resolve('test/fixtures/manifests/app/services.yaml')
const suite = (cases: string): string => `apiVersion: netguard.io/v1alpha1\nkind: Test\ncases:\n${cases}`

t.test('netguard test runs every netguard-test.yaml: files, file#N, inline objects, cluster state, overrides', async (t) => {
  const { code, stdout, stderr } = await runCliWith(['test', SUITES])
  t.equal(stderr, '')
  t.equal(code, 0)
  t.match(stdout, `PASS  ${SUITES}/shop/netguard-test.yaml: allowed in legacy by the suite's override\n`)
  t.match(stdout, `SKIP  ${SUITES}/shop/netguard-test.yaml: not run yet: waiting for the EgressIP fixture\n`)
  t.match(stdout, /\n1 suite, 6 cases: 5 as expected, 0 not, 1 skipped\n$/)
  t.equal((await runCliWith(['test', SUITES, '-q'])).stdout, '1 suite, 6 cases: 5 as expected, 0 not, 1 skipped\n', '--quiet: only what is not as expected')
})

t.test('a case not as expected: exit 1, with the diff and what netguard reported', async (t) => {
  const dir = t.testdir({
    'netguard-test.yaml': suite(`  - name: wrong
    resource: ${SERVICES}#1
    expect:
      verdict: allow
      rules: [SVC-LOADBALANCER]
`)
  })
  const { code, stdout } = await runCliWith(['test', dir])
  t.equal(code, 1)
  t.match(stdout, [
    'netguard-test.yaml: wrong',
    '    verdict: expected allow, got deny',
    '    rules:',
    '      - SVC-LOADBALANCER  (expected, not reported)',
    '      + SVC-NODEPORT  (reported, not expected)',
    '    netguard reported:',
    '      deny: [SVC-NODEPORT] spec.type NodePort is not allowed in namespace shop; use a Route or a ClusterIP Service'
  ].join('\n'))
  t.match(stdout, /^FAIL {2}/)
  t.match(stdout, /1 suite, 1 cases: 0 as expected, 1 not, 0 skipped\n$/)
})

t.test('a suite that cannot run: exit 2, naming the file, line and field', async (t) => {
  const dir = t.testdir({
    'bad-field': { 'netguard-test.yaml': suite(`  - resource: ${SERVICES}\n    expect: {verdict: maybe}\n`) },
    'bad-ref': { 'netguard-test.yaml': suite('  - resource: nowhere.yaml\n    expect: {verdict: allow}\n') },
    'bad-rule': { 'netguard-test.yaml': suite(`  - resource: ${SERVICES}\n    expect: {rules: [SVC-NOPE]}\n`) },
    empty: {}
  })
  for (const [folder, message] of [
    ['bad-field', /netguard-test\.yaml:5: cases\[0\]\.expect\.verdict: expected one of "deny", "warn", "allow", "skip", got "maybe"/],
    ['bad-ref', /netguard-test\.yaml:4: nowhere\.yaml: .*cannot read/],
    ['bad-rule', /netguard-test\.yaml:5: cases\[0\]\.expect\.rules\[0\]: /],
    ['empty', /no netguard-test\.yaml found under/]
  ] as const) {
    const { code, stdout, stderr } = await runCliWith(['test', `${dir}/${folder}`])
    t.same([code, stdout], [2, ''], folder)
    t.match(stderr, message, folder)
  }
  const usage = await runCliWith(['test'])
  t.equal(usage.code, 2)
  t.match(usage.stderr, 'no suites given: netguard test DIR')
  t.match((await runCliWith(['--help'])).stdout, 'test      run policy test suites')
})

t.test('a suite may name a policy file; otherRules: off leaves only what it configures', async (t) => {
  const dir = t.testdir({
    'policy.yaml': 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nspec:\n  rules:\n    SVC-LOADBALANCER: {allowedNamespaces: []}\n',
    'netguard-test.yaml': `apiVersion: netguard.io/v1alpha1\nkind: Test\npolicies: [policy.yaml]\notherRules: off\ncases:
  - name: NodePort is not this suite's business
    resource: ${SERVICES}#1
    expect: {verdict: allow, rules: []}
  - name: a LoadBalancer is denied
    resource: {apiVersion: v1, kind: Service, metadata: {name: lb}, spec: {type: LoadBalancer, ports: [{port: 80}]}}
    expect: {allowed: false, rules: [SVC-LOADBALANCER]}
`
  })
  const { code, stdout } = await runCliWith(['test', dir])
  t.equal(code, 0, stdout)
  t.match(stdout, /2 cases: 2 as expected, 0 not, 0 skipped\n$/)
  const broken = t.testdir({ 'policy.yaml': 'spec: [\n', 'netguard-test.yaml': `apiVersion: netguard.io/v1alpha1\nkind: Test\npolicies: [policy.yaml]\ncases:\n  - resource: ${SERVICES}\n    expect: {allowed: true}\n` })
  const bad = await runCliWith(['test', broken])
  t.equal(bad.code, 2)
  t.match(bad.stderr, /policy\.yaml:\d+/)
})

t.test('test --help, and an unknown option', async (t) => {
  const help = await runCliWith(['test', '--help'])
  t.same([help.code, help.stdout.startsWith('usage: netguard test PATH')], [0, true])
  const bogus = await runCliWith(['test', '--bogus'])
  t.equal(bogus.code, 2)
  t.match(bogus.stderr, 'Unknown option \'--bogus\'')
})
