// Backend: the loopback double (test/helpers/fake-apiserver.ts): paging with continue tokens, kinds the
// cluster lacks (404) and write errors on demand. Whether the real API server and the PolicyReport
// CRD's schema accept what audit writes is test/e2e/audit.e2e.ts.
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PassThrough } from 'node:stream'
import t from 'tap'
import { parse, parseAllDocuments } from 'yaml'
import { runCli } from '../../src/cli/main.ts'
import { CLUSTER_OPEN_REPORTS, CLUSTER_POLICY_REPORTS, KNOWN_RESOURCES, MULTI_NETWORK_POLICIES, NAMESPACES, NETWORK_ATTACHMENT_DEFINITIONS, NETWORK_POLICIES, OPEN_REPORTS, POLICY_REPORTS, resourceFor, SERVICES, type ResourceType } from '../../src/kube/resources.ts'
import { parseApiVersion, type KubeObject } from '../../src/kube/types.ts'
import { isolatedNamespace, seedOwnNamespace, startReplica } from '../helpers/cluster.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import { sample } from '../helpers/metrics.ts'
import type { TestContext } from '../helpers/tap.ts'
import { until } from '../helpers/wait.ts'

const SEED = parseAllDocuments(readFileSync(new URL('../fixtures/audit/cluster.yaml', import.meta.url), 'utf8')).map((document) => document.toJS() as KubeObject)
const resourceOf = (object: KubeObject): ResourceType => resourceFor({ group: parseApiVersion(object.apiVersion).group, kind: object.kind ?? '' }) as ResourceType

/** `dir` holds the kubeconfig: t.testdir() makes a fresh directory on each call. */
async function seeded (t: TestContext, resources?: readonly ResourceType[], dir = t.testdir()): Promise<{ fake: FakeApiServer, kubeconfig: string }> {
  const fake = await FakeApiServer.start({ resources })
  t.teardown(() => fake.close())
  for (const object of SEED) {
    if (resources === undefined || resources.includes(resourceOf(object))) fake.put(resourceOf(object), object)
  }
  return { fake, kubeconfig: fake.writeKubeconfig(dir) }
}

async function audit (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number, stdout: string, stderr: string }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  stderr.on('data', (chunk: Buffer) => { err += chunk.toString() })
  const code = await runCli(['audit', ...args], { stdin: new PassThrough(), stdout, stderr, env })
  return { code, stdout: out, stderr: err }
}

t.test('text: a summary by namespace and by rule, then every finding; exit 1 when something would be denied', async (t) => {
  const { kubeconfig } = await seeded(t)
  const { code, stdout, stderr } = await audit(['--kubeconfig', kubeconfig])
  t.equal(code, 1)
  t.equal(stderr, '')
  t.match(stdout, /^netguard audit: 10 objects, policy mode enforce; findings are what enforce mode would do to each object created now\n/)
  t.match(stdout, /\nnamespace +deny +warn +allow +exempt\n\(cluster\) +0 +1 +2 +1\nopenshift-ingress +0 +0 +0 +1\nshop +2 +0 +0 +0\nweb +2 +0 +1 +0\n/)
  t.match(stdout, /\nSVC-NODEPORT +1 +0 +0 +0\n/)
  t.match(stdout, /\nROUTE-HOST-OWNERSHIP +2 +0 +0 +0\n/, 'a rule that needs cluster state sees the listed objects')
  t.match(stdout, /\n {2}shop Service\/web: \[SVC-NODEPORT\] deny: spec\.type NodePort is not allowed in namespace shop; use a Route or a ClusterIP Service\n/)
  t.match(stdout, /\n {2}Namespace\/legacy: \[NS-ISOLATION\] would patch: adds label netguard\.io\/isolation=default-deny\n/)
  t.notMatch(stdout, /openshift-ingress Service/, 'exempt namespaces have no findings')
  t.match(stdout, /\n4 would be denied, 1 with warnings or patches, 3 pass, 2 exempt\n$/)
})

t.test('json: the same summary and the findings as data', async (t) => {
  const { kubeconfig } = await seeded(t)
  const { code, stdout } = await audit(['--kubeconfig', kubeconfig, '-o', 'json'])
  t.equal(code, 1)
  const report = JSON.parse(stdout) as { verdicts: unknown, namespaces: Record<string, unknown>, rules: Record<string, unknown>, kinds: unknown[], findings: { name: string, namespace?: string, violations: unknown[] }[] }
  t.same(report.verdicts, { deny: 4, warn: 1, allow: 3, exempt: 2 })
  t.same(report.namespaces.shop, { deny: 2, warn: 0, allow: 0, exempt: 0 })
  t.same(report.rules['SVC-NODEPORT'], { deny: 1 })
  t.same(report.rules['NS-ISOLATION'], { mutate: 1 })
  t.match(report.kinds, [{ kind: 'Namespace', group: '', state: 'listed', count: 4 }])
  t.match(report.findings.find((finding) => finding.name === 'open'), {
    kind: 'NetworkPolicy', namespace: 'web', verdict: 'deny', violations: [{ rule: 'NETPOL-ALLOW-ALL-INGRESS', action: 'deny', field: 'spec.ingress[0]' }]
  })
})

t.test('policyreport: PolicyReports per namespace and a ClusterPolicyReport, one result per object and rule', async (t) => {
  const { kubeconfig } = await seeded(t)
  const { code, stdout } = await audit(['--kubeconfig', kubeconfig, '--output', 'policyreport'])
  t.equal(code, 1)
  const reports = parseAllDocuments(stdout).map((document) => document.toJS() as KubeObject & { summary: Record<string, number>, results: Record<string, unknown>[] })
  t.same(reports.map((report) => [report.kind, report.metadata?.namespace, report.metadata?.name]), [
    ['ClusterPolicyReport', undefined, 'netguard-audit'], ['PolicyReport', 'shop', 'netguard-audit'], ['PolicyReport', 'web', 'netguard-audit']
  ])
  const [cluster, shop] = reports
  t.match(cluster, { apiVersion: 'wgpolicyk8s.io/v1alpha2', metadata: { labels: { 'app.kubernetes.io/managed-by': 'netguard' } } })
  t.match(cluster?.results.find((result) => result.result === 'warn'), {
    policy: 'namespaces',
    rule: 'NS-ISOLATION',
    category: 'Network isolation',
    severity: 'medium',
    source: 'netguard',
    scored: true,
    message: 'would patch: adds label netguard.io/isolation=default-deny',
    resources: [{ apiVersion: 'v1', kind: 'Namespace', name: 'legacy' }],
    properties: { action: 'mutate' },
    timestamp: { seconds: Number, nanos: 0 }
  })
  t.match(shop?.results.find((result) => result.rule === 'SVC-NODEPORT'), {
    result: 'fail',
    message: /^spec\.type NodePort is not allowed in namespace shop; /,
    properties: { action: 'deny', field: 'spec.type' },
    resources: [{ kind: 'Service', name: 'web', namespace: 'shop', uid: String }]
  })
  t.equal(shop?.summary.fail, 2)
  t.ok((shop?.summary.pass ?? 0) > 0, 'rules that looked and found nothing pass')
  t.equal(shop?.results.length, Object.values(shop?.summary ?? {}).reduce((sum, count) => sum + count, 0))
})

t.test('a report holds at most --max-results results; larger series are split', async (t) => {
  const { kubeconfig } = await seeded(t)
  const whole = parseAllDocuments((await audit(['--kubeconfig', kubeconfig, '-o', 'policyreport'])).stdout).map((document) => document.toJS() as { metadata: { name: string, namespace?: string }, results: unknown[] })
  const shopResults = whole.find((report) => report.metadata.namespace === 'shop')?.results.length ?? 0
  const split = parseAllDocuments((await audit(['--kubeconfig', kubeconfig, '-o', 'policyreport', '--max-results', '3'])).stdout).map((document) => document.toJS() as { metadata: { name: string, namespace?: string }, results: unknown[] })
  const shop = split.filter((report) => report.metadata.namespace === 'shop')
  t.equal(shop.length, Math.ceil(shopResults / 3))
  t.same(shop.map((report) => report.metadata.name).slice(0, 2), ['netguard-audit', 'netguard-audit-2'])
  t.ok(split.every((report) => report.results.length <= 3))
  t.equal(shop.reduce((sum, report) => sum + report.results.length, 0), shopResults, 'nothing lost')
})

t.test('--write creates the reports, updates them next time, and deletes what no longer applies', async (t) => {
  const { fake, kubeconfig } = await seeded(t)
  const first = await audit(['--kubeconfig', kubeconfig, '--write'])
  t.equal(first.code, 1)
  t.equal(first.stderr, 'netguard audit: PolicyReports 3 created, 0 updated, 0 deleted\n')
  t.same(fake.list(POLICY_REPORTS).map((report) => `${report.metadata?.namespace}/${report.metadata?.name}`), ['shop/netguard-audit', 'web/netguard-audit'])
  t.equal(fake.list(CLUSTER_POLICY_REPORTS).length, 1)
  fake.put(POLICY_REPORTS, { metadata: { name: 'someone-elses', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'netguard' } } })
  for (const object of SEED.filter((seed) => seed.metadata?.namespace === 'shop')) fake.remove(resourceOf(object), object.metadata?.name ?? '', 'shop')
  const second = await audit(['--kubeconfig', kubeconfig, '--write', '--max-results', '3'])
  t.match(second.stderr, /^netguard audit: PolicyReports \d+ created, 2 updated, 1 deleted\n$/)
  t.same(fake.list(POLICY_REPORTS, 'shop').map((report) => report.metadata?.name), ['someone-elses'], 'only netguard-audit reports are deleted')
})

t.test('a cluster without OpenShift or the PolicyReport API', async (t) => {
  const { kubeconfig } = await seeded(t, [NAMESPACES, SERVICES])
  const { code, stdout } = await audit(['--kubeconfig', kubeconfig])
  t.equal(code, 1)
  t.match(stdout, /\nnot served by this cluster: (.*, )?Route\.route\.openshift\.io/)
  const write = await audit(['--kubeconfig', kubeconfig, '--write'])
  t.equal(write.code, 2)
  t.match(write.stderr, 'netguard audit: the cluster has no PolicyReport API (wgpolicyk8s.io/v1alpha2): install its CRDs to use --write, or choose the other API with --report-api\n')
  const open = await audit(['--kubeconfig', kubeconfig, '--write', '--report-api', 'openreports.io/v1alpha1'])
  t.match(open.stderr, 'netguard audit: the cluster has no Report API (openreports.io/v1alpha1): install its CRDs to use --write, or choose the other API with --report-api\n')
})

t.test('--report-api openreports.io/v1alpha1: Reports and a ClusterReport, written and printed alike', async (t) => {
  const { fake, kubeconfig } = await seeded(t, [...KNOWN_RESOURCES, OPEN_REPORTS, CLUSTER_OPEN_REPORTS])
  const { code, stdout, stderr } = await audit(['--kubeconfig', kubeconfig, '--write', '--report-api', 'openreports.io/v1alpha1', '-o', 'policyreport'])
  t.equal(code, 1)
  t.equal(stderr, 'netguard audit: Reports 3 created, 0 updated, 0 deleted\n')
  const printed = parseAllDocuments(stdout).map((document) => document.toJS() as KubeObject & { source: string })
  t.same(printed.map((report) => [report.apiVersion, report.kind, report.metadata?.namespace, report.source]), [
    ['openreports.io/v1alpha1', 'ClusterReport', undefined, 'netguard'],
    ['openreports.io/v1alpha1', 'Report', 'shop', 'netguard'],
    ['openreports.io/v1alpha1', 'Report', 'web', 'netguard']
  ])
  t.same(fake.list(OPEN_REPORTS).map((report) => `${report.metadata?.namespace}/${report.metadata?.name}`), ['shop/netguard-audit', 'web/netguard-audit'])
  t.equal(fake.list(CLUSTER_OPEN_REPORTS).length, 1)
  t.match(fake.list(OPEN_REPORTS, 'shop')[0], { source: 'netguard', summary: { fail: 2 } })
})

/** A Pushgateway double on loopback: records each request, answers with `status`. */
async function pushgateway (t: TestContext, status = 200): Promise<{ url: string, pushes: { method: string, path: string, contentType: string, body: string }[] }> {
  const pushes: { method: string, path: string, contentType: string, body: string }[] = []
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => { body += chunk.toString() })
    request.on('end', () => {
      pushes.push({ method: request.method ?? '', path: request.url ?? '', contentType: String(request.headers['content-type']), body })
      response.statusCode = status
      response.end(status === 200 ? '' : 'push rejected')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => { await new Promise((resolve) => server.close(resolve)) })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, pushes }
}

t.test('--pushgateway: the results by namespace, rule and result replace the audit\'s group on the Pushgateway', async (t) => {
  const { kubeconfig } = await seeded(t)
  const gateway = await pushgateway(t)
  const { code, stderr } = await audit(['--kubeconfig', kubeconfig, '--pushgateway', gateway.url])
  t.equal(code, 1, 'the exit status still says something would be denied')
  t.equal(stderr, '')
  t.equal(gateway.pushes.length, 1)
  const [push] = gateway.pushes
  t.match(push, { method: 'PUT', path: '/metrics/job/netguard-audit', contentType: /^text\/plain; version=0\.0\.4/ })
  t.equal(sample(push!.body, 'netguard_audit_results{namespace="shop",rule="SVC-NODEPORT",result="fail"}'), 1)
  t.equal(sample(push!.body, 'netguard_audit_results{namespace="web",rule="NETPOL-ALLOW-ALL-INGRESS",result="fail"}'), 1)
  t.equal(sample(push!.body, 'netguard_audit_results{namespace="",rule="NS-ISOLATION",result="warn"}'), 1, 'cluster-scoped objects under ""')
  t.notMatch(push!.body, /namespace="openshift-ingress"/, 'exempt objects have no results')
  t.ok((sample(push!.body, 'netguard_audit_last_run_timestamp_seconds') ?? 0) * 1000 > Date.now() - 60_000)

  const refused = await audit(['--kubeconfig', kubeconfig, '--pushgateway', (await pushgateway(t, 503)).url])
  t.equal(refused.code, 2)
  t.match(refused.stderr, /^netguard audit: the Pushgateway at http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/netguard-audit refused the audit's metrics: HTTP 503 push rejected\n$/)
  const gone = createServer()
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve))
  const goneUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/`
  await new Promise((resolve) => gone.close(resolve))
  const closed = await audit(['--kubeconfig', kubeconfig, '--pushgateway', goneUrl])
  t.equal(closed.code, 2)
  t.match(closed.stderr, /^netguard audit: could not push the audit's metrics to http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/netguard-audit: connect ECONNREFUSED/)
})

t.test('a PolicyReport CRD older than the severities critical and info: the API server\'s refusal, and what to do', async (t) => {
  const { fake, kubeconfig } = await seeded(t, [...KNOWN_RESOURCES, POLICY_REPORTS, CLUSTER_POLICY_REPORTS])
  fake.failNext({ method: 'POST', path: /\/clusterpolicyreports$/ }, 422, 1, { message: 'ClusterPolicyReport.wgpolicyk8s.io "netguard-audit" is invalid: results[0].severity: Unsupported value: "info"' })
  const { code, stderr } = await audit(['--kubeconfig', kubeconfig, '--write'])
  t.equal(code, 2)
  t.match(stderr, /results\[0\]\.severity: Unsupported value: "info"\nthe cluster's PolicyReport CRD predates the severities critical and info: update the CRDs to the current published types\n$/)
})

t.test('objects are listed in pages of --chunk-size', async (t) => {
  const { fake, kubeconfig } = await seeded(t)
  await audit(['--kubeconfig', kubeconfig, '--chunk-size', '2'])
  const namespaceLists = fake.requests.filter((request) => request.path === '/api/v1/namespaces')
  t.same(namespaceLists.map((request) => [request.query.get('limit'), request.query.has('continue')]), [['2', false], ['2', true]])
})

t.test('--exit-zero reports the same findings and exits 0, as the CronJob runs it', async (t) => {
  const { kubeconfig } = await seeded(t)
  const failing = await audit(['--kubeconfig', kubeconfig])
  const reported = await audit(['--kubeconfig', kubeconfig, '--exit-zero'])
  t.same([failing.code, reported.code], [1, 0])
  t.equal(reported.stdout, failing.stdout)
  const both = await audit(['--kubeconfig', kubeconfig, '--exit-zero', '--fail-on', 'warn'])
  t.equal(both.code, 2)
  t.match(both.stderr, '--exit-zero and --fail-on contradict each other')
})

t.test('usage and access errors exit 2', async (t) => {
  const none = await audit([], { HOME: t.testdir() })
  t.equal(none.code, 2)
  t.equal(none.stderr, 'netguard audit: no cluster to audit: give --kubeconfig, set $KUBECONFIG, or run in a pod\n')
  t.match((await audit(['--output', 'yaml'])).stderr, /--output must be one of text, json, policyreport, html, got "yaml"/)
  t.match((await audit(['--report-api', 'wgpolicyk8s.io/v1beta1'])).stderr, /--report-api must be one of wgpolicyk8s\.io\/v1alpha2, openreports\.io\/v1alpha1, got "wgpolicyk8s\.io\/v1beta1"/)
  t.match((await audit(['--pushgateway', 'pushgateway:9091'])).stderr, /--pushgateway must be an http or https URL, got "pushgateway:9091"/)
  t.match((await audit(['--max-results', '0'])).stderr, /--max-results must be a positive integer/)
  t.match((await audit(['--chunk-size', 'x'])).stderr, /--chunk-size must be a positive integer/)
  t.match((await audit(['--bogus'])).stderr, /Unknown option '--bogus'/)
  const help = await audit(['--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /^usage: netguard audit/)
  const { fake, kubeconfig } = await seeded(t)
  fake.failNext({ method: 'GET' }, 403)
  const forbidden = await audit(['--kubeconfig', kubeconfig])
  t.equal(forbidden.code, 2)
  t.match(forbidden.stderr, /^netguard audit: Kubernetes API: GET \/api\/v1\/namespaces answered 403: injected failure\n$/)
  t.match((await audit(['--kubeconfig', kubeconfig, '--policies', '/nonexistent'])).stderr, /cannot read policies from \/nonexistent/)
})

t.test('the rule registry and the bundled policy agree on a clean cluster', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  fake.put(NAMESPACES, parse('{ metadata: { name: shop, labels: { netguard.io/isolation: default-deny } } }') as KubeObject)
  const { code, stdout } = await audit(['--kubeconfig', fake.writeKubeconfig(t.testdir())])
  t.equal(code, 0)
  t.match(stdout, /\n0 would be denied, 0 with warnings or patches, 1 pass, 0 exempt\n$/)
})

t.test('a rule waived by an exception is a skip result, not a finding', async (t) => {
  const policies = t.testdir(Object.fromEntries([
    ...readdirSync('policies').filter((file) => file.endsWith('.yaml')).map((file) => [file, readFileSync(`policies/${file}`, 'utf8')]),
    ['zz-exceptions.yaml', 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nspec:\n  exceptions:\n    - { name: shop-edge, rules: [SVC-NODEPORT], namespaces: [shop], reason: edge nodes }\n']
  ]))
  const { kubeconfig } = await seeded(t, undefined, policies)
  const { stdout } = await audit(['--kubeconfig', kubeconfig, '--policies', policies, '-o', 'policyreport'])
  const shop = parseAllDocuments(stdout).map((document) => document.toJS() as KubeObject & { results: Record<string, unknown>[] }).find((report) => report.metadata?.namespace === 'shop')
  t.match(shop?.results.filter((result) => result.rule === 'SVC-NODEPORT'), [{ result: 'skip', message: 'waived by exception shop-edge', resources: [{ name: 'web' }] }])
})

t.test('--write paces its writes by --kube-api-qps and --kube-api-burst, the one rate limiter of every write', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  const namespaces = ['a', 'b', 'c', 'd', 'e', 'f']
  for (const name of namespaces) {
    fake.put(NAMESPACES, { metadata: { name } })
    fake.put(SERVICES, { metadata: { name: 'web', namespace: name }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } })
  }
  const { code, stderr } = await audit(['--kubeconfig', fake.writeKubeconfig(t.testdir()), '--write', '--kube-api-qps', '10', '--kube-api-burst', '1'])
  t.equal(code, 1, 'NodePort Services would be denied')
  t.match(stderr, /^netguard audit: PolicyReports 7 created, 0 updated, 0 deleted\n$/)
  t.same(fake.list(POLICY_REPORTS).map((report) => report.metadata?.namespace), namespaces)
  const writes = fake.writes().map((write) => write.at)
  t.ok(Math.max(...writes) - Math.min(...writes) >= 590, 'seven writes at one every 100 ms after the first take 600 ms')
  t.match((await audit(['--kube-api-burst', '0'])).stderr, /--kube-api-burst must be a positive integer, not "0"/)
  t.match((await audit([], { NETGUARD_KUBE_API_QPS: 'fast' })).stderr, /--kube-api-qps must be a positive number, not "fast"/)
})

t.test('what netguard\'s reconciler wrote is netguard\'s own: exempt, never a finding; a tenant\'s copy that differs is denied', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  seedOwnNamespace(fake)
  fake.put(NAMESPACES, isolatedNamespace('shop'))
  fake.put(NETWORK_ATTACHMENT_DEFINITIONS, { metadata: { name: 'storage-net', namespace: 'shop' }, spec: { config: JSON.stringify({ cniVersion: '0.4.0', type: 'bridge', ipam: {} }) } })
  const { services } = await startReplica(t, fake)
  await until('the default isolation in place', () => fake.list(NETWORK_POLICIES, 'shop').length === 4 && fake.list(MULTI_NETWORK_POLICIES, 'shop').length === 1)
  await services.close()
  const kubeconfig = fake.writeKubeconfig(t.testdir())
  const clean = await audit(['--kubeconfig', kubeconfig, '-o', 'json'])
  const report = JSON.parse(clean.stdout) as { verdicts: Record<string, number>, findings: { kind: string, name: string }[] }
  t.same(report.findings.map((finding) => `${finding.kind}/${finding.name}`), ['NetworkAttachmentDefinition/storage-net'],
    'no finding on what netguard wrote (before: NETPOL-MANAGED and MNP-MANAGED on each); the tenant\'s network is judged (NAD-MASTER)')
  t.same(report.verdicts, { deny: 1, warn: 0, allow: 1, exempt: 6 }, 'its five policies and its own namespace are exempt')

  const written = fake.get(NETWORK_POLICIES, 'netguard-allow-same-namespace', 'shop') as KubeObject
  fake.put(NETWORK_POLICIES, { ...written, metadata: { ...written.metadata, name: 'wide-open', uid: undefined }, spec: { podSelector: {}, ingress: [{}] } })
  const { code, stdout } = await audit(['--kubeconfig', kubeconfig])
  t.equal(code, 1)
  t.match(stdout, /\n {2}shop NetworkPolicy\/wide-open: \[NETPOL-ALLOW-ALL-INGRESS\] deny: .*\n {2}shop NetworkPolicy\/wide-open: \[NETPOL-MANAGED\] deny: metadata\.labels\["app\.kubernetes\.io\/managed-by"\] "netguard" is reserved for the policies netguard creates/,
    'the label alone makes nothing netguard\'s')
})
