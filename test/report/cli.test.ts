import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { resourceFor, SERVICES, type ResourceType } from '../../src/kube/resources.ts'
import { parseApiVersion, type KubeObject } from '../../src/kube/types.ts'
import { readPostureDocument } from '../../src/report/html.ts'
import { runCliWith } from '../helpers/cli.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import { EXAMPLE_MANIFEST_OBJECTS, EXAMPLE_MANIFESTS, EXAMPLE_STATE, REPORT_CLUSTER } from './fixture.ts'

/** The example report's command line (docs/posture-report.md). */
const EXAMPLE = ['check', '-f', EXAMPLE_MANIFESTS, '--cluster-state', EXAMPLE_STATE]
const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>'
/** Two Routes that claim one host: ROUTE-HOST-OWNERSHIP names the holder in its admin-only detail. */
const CLAIMS: readonly KubeObject[] = ['shop', 'data'].map((namespace) => ({
  apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'claim', namespace }, spec: { host: 'claimed.apps.example.com', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge' } }
}))

t.test('check --output html: one self-contained page whose data is the review of the manifests', async (t) => {
  const claims = join(t.testdir({ 'claims.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: CLAIMS }) }), 'claims.json')
  const { code, stdout, stderr } = await runCliWith([...EXAMPLE, '-f', claims, '--cluster-state', claims, '--output', 'html', '--title', 'example <cluster>'])
  t.equal(stderr, '')
  t.equal(code, 1, 'exit 1: something would be denied, as with every other output')
  t.match(stdout, /^<!doctype html>\n/)
  t.notMatch(stdout, /<(link|img|iframe)\b|src=["']?http/i, 'nothing loaded from elsewhere')
  const report = readPostureDocument(stdout)
  t.match(report, { front: 'check', source: 'example <cluster>', mode: 'enforce' })
  t.equal(report.summary.objects, EXAMPLE_MANIFEST_OBJECTS.length + CLAIMS.length, 'the manifests, not the cluster state')
  t.equal(report.summary.isolatedShare, 0.5, 'the cluster state counts for isolation: shop and data')
  t.ok(report.summary.denied > 0)
  t.match(report.findings.filter((finding) => finding.rule === 'ROUTE-HOST-OWNERSHIP'), [{ name: 'claim' }], 'the host clash is found')
  t.notOk(report.findings.some((finding) => finding.detail !== undefined), 'but without the admin-only detail: a tenant may publish the report')
  t.notMatch(stdout, 'example <cluster>', 'the title is data, never markup')
})

t.test('a name or annotation that holds HTML or script stays data in the page', async (t) => {
  const dir = t.testdir({
    'hostile.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', annotations: { [HOSTILE]: HOSTILE } }, spec: { type: 'NodePort', externalIPs: [HOSTILE], ports: [{ port: 80 }] } })
  })
  const { stdout } = await runCliWith(['check', '-f', join(dir, 'hostile.yaml'), '-o', 'html'])
  t.notOk(stdout.includes('<img src=x') || stdout.includes('<script>alert'), 'not markup anywhere in the file')
  t.match(readPostureDocument(stdout).exposures, [{ type: 'external-ip', what: `traffic to ${HOSTILE} on every node` }], 'and read back intact')
})

t.test('audit --output html: the cluster as listed, exempt namespaces without findings, the admin detail kept', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  for (const object of [...REPORT_CLUSTER, ...CLAIMS]) fake.put(resourceFor({ group: parseApiVersion(object.apiVersion).group, kind: object.kind ?? '' }) as ResourceType, object as KubeObject)
  const dir = t.testdir()
  const kubeconfig = fake.writeKubeconfig(dir)
  const { code, stdout, stderr } = await runCliWith(['audit', '--kubeconfig', kubeconfig, '--output', 'html'])
  t.equal(stderr, '')
  t.equal(code, 1)
  const report = readPostureDocument(stdout)
  t.match(report, { front: 'audit', mode: 'enforce', source: /^cluster \(/ })
  t.equal(report.summary.objects, REPORT_CLUSTER.length + CLAIMS.length)
  t.equal(report.summary.exempt, 11, 'openshift-ingress: its Namespace and its Service; the 9 default policies exactly as netguard writes them')
  t.notOk(report.findings.some((finding) => finding.ns === 'openshift-ingress'))
  t.match(report.findings.find((finding) => finding.rule === 'ROUTE-HOST-OWNERSHIP'), { detail: /./ }, 'the platform team sees which object holds the host')

  const previous = join(dir, 'last-month.html')
  writeFileSync(previous, stdout)
  fake.remove(SERVICES, 'hijack', 'legacy')
  const second = await runCliWith(['audit', '--kubeconfig', kubeconfig, '-o', 'html', '--compare', previous])
  t.equal(second.stderr, '')
  const again = readPostureDocument(second.stdout)
  t.match(again.compare?.better, [{ what: 'finding', ns: 'legacy', object: 'Service/hijack', key: 'SVC-EXTERNALIP' }])
  t.same(again.compare?.worse, [])
})

t.test('examples/posture/report.html is what its command makes today', async (t) => {
  const { stdout } = await runCliWith([...EXAMPLE, '-o', 'html'])
  const undated = (html: string): string => html.replace(/"generatedAt":"[^"]+"/, '"generatedAt":""')
  t.equal(undated(readFileSync('examples/posture/report.html', 'utf8')), undated(stdout), `regenerate it: npx tsx src/cli/main.ts ${EXAMPLE.join(' ')} -o html > examples/posture/report.html`)
})

t.test('--docs-url points the rule links elsewhere', async (t) => {
  const { stdout } = await runCliWith([...EXAMPLE, '-o', 'html', '--docs-url', 'https://docs.example.com/netguard/rules'])
  t.equal(readPostureDocument(stdout).rules['SVC-NODEPORT']?.doc, 'https://docs.example.com/netguard/rules/services-and-namespaces.md#svc-nodeport-deny')
})

t.test('--output-file writes the report there, whole, and says which file it could not write', async (t) => {
  const dir = t.testdir({ 'old.html': 'yesterday' })
  const file = join(dir, 'old.html')
  const written = await runCliWith([...EXAMPLE, '-o', 'html', '--output-file', file])
  t.same([written.code, written.stdout, written.stderr], [1, '', ''])
  t.match(readPostureDocument(readFileSync(file, 'utf8')), { front: 'check' })
  t.same(readdirSync(dir), ['old.html'], 'replaced, nothing left beside it')
  const failed = await runCliWith([...EXAMPLE, '-o', 'html', '--output-file', join(dir, 'missing', 'report.html')])
  t.equal(failed.code, 2)
  t.match(failed.stderr, /^netguard check: --output-file \S+missing\/report\.html: cannot write it \(ENOENT\)\n$/)
  t.same(readdirSync(dir), ['old.html'])
})

t.test('posture flags: each mistake is a usage error that says what was expected', async (t) => {
  const dir = t.testdir({ 'not-a-report.html': '<html>hello</html>' })
  const cases: [readonly string[], RegExp][] = [
    [[...EXAMPLE, '--compare', join(dir, 'not-a-report.html')], /--compare, --docs-url, --title and --output-file go with --output html/],
    [[...EXAMPLE, '-o', 'html', '--compare', join(dir, 'missing.html')], /--compare \S+missing\.html: cannot read it \(ENOENT\)/],
    [[...EXAMPLE, '-o', 'html', '--compare', join(dir, 'not-a-report.html')], /--compare \S+not-a-report\.html: not a netguard posture report: no posture data block found/],
    [[...EXAMPLE, '-o', 'html', '--docs-url', 'javascript:alert(1)'], /--docs-url must be an http\(s\) URL, got "javascript:alert\(1\)"/],
    [['audit', '--kubeconfig', join(dir, 'none'), '-o', 'html', '--docs-url', 'ftp://x'], /--docs-url must be an http\(s\) URL/]
  ]
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await runCliWith(args)
    t.equal(code, 2, args.join(' '))
    t.equal(stdout, '')
    t.match(stderr, message)
  }
})
