// Backend: the real kube-apiserver and etcd started by `npm run e2e` (test/e2e/run.ts), with the
// PolicyReport CRDs of test/fixtures/crds. What is proven here is that the reports netguard
// writes pass the CRD's structural schema on a real API server, and that the chart's audit
// ServiceAccount and ClusterRole are enough for the CronJob's command; the loopback double
// (test/cli/audit.test.ts) accepts any JSON and checks no RBAC.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { e2eValues, renderWithHelm } from './harness/chart.ts'
import { e2eCluster, pathOf, tenantNamespace } from './harness/e2e.ts'
import { CLI, podCommand, type PodSpec } from './harness/netguard.ts'
import { createAll, kubeconfigFor, serviceAccountToken } from './harness/setup.ts'

const cluster = e2eCluster()
t.teardown(() => cluster.close())
const { state } = cluster

const rendered = renderWithHelm(join(state.binDir, 'helm'), e2eValues({ audit: { enabled: true } }), state.kubeVersion)
const auditAccount = rendered.find((object) => object.kind === 'ServiceAccount' && object.metadata.name.endsWith('-audit'))
const cronJob = rendered.find((object) => object.kind === 'CronJob')
if (auditAccount === undefined || cronJob === undefined) throw new Error('the chart rendered with audit.enabled has no audit ServiceAccount or CronJob')
await createAll(cluster.admin, rendered.filter((object) =>
  object.metadata.name === auditAccount.metadata.name && ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'].includes(object.kind)))

const dir = mkdtempSync(join(tmpdir(), 'netguard-e2e-audit-'))
const kubeconfig = join(dir, 'kubeconfig')
writeFileSync(kubeconfig, kubeconfigFor(state.server, state.ca, await serviceAccountToken(cluster.admin, auditAccount.metadata.name)), { mode: 0o600 })
const pod = (cronJob.spec as { jobTemplate: { spec: { template: { spec: PodSpec } } } }).jobTemplate.spec.template.spec
const command = podCommand(pod, state.netguard.namespace, { policiesDir: state.netguard.policiesDir, tmpDir: dir, kubeconfig })

async function audit (): Promise<{ code: number, stdout: string, stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...command.args], { env: { PATH: process.env.PATH, ...command.env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr })
    })
  })
}

// A violation only an exempt admin could have created: what an audit exists to find.
const namespace = await tenantNamespace(cluster, 'legacy')
const nodePort = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'legacy-nodeport', namespace }, spec: { type: 'NodePort', selector: { app: 'legacy' }, ports: [{ port: 80 }] } }
const created = await cluster.admin.create(pathOf(nodePort, false), nodePort)
if (created.status !== 201) throw new Error(`the admin's NodePort Service: ${created.status} ${JSON.stringify(created.body)}`)

interface Report { metadata: { labels?: Record<string, string> }, summary: Record<string, number>, results: Array<{ rule: string, result: string, resources: Array<{ name: string, kind: string }>, timestamp: { seconds: number } }> }

t.test('netguard audit --write, run as the chart\'s CronJob runs it, writes PolicyReports the CRD schema accepts', async (t) => {
  const first = await audit()
  t.equal(first.code, 1, `exit 1: something would be denied (stderr: ${first.stderr.trim()})`)
  t.match(first.stderr, /PolicyReports \d+ created, 0 updated/, 'created the reports')
  const report = await cluster.admin.request<Report>('GET', `/apis/wgpolicyk8s.io/v1alpha2/namespaces/${namespace}/policyreports/netguard-audit`)
  t.equal(report.status, 200, 'the namespace\'s report is stored')
  const finding = report.body.results.find((result) => result.rule === 'SVC-NODEPORT')
  t.match(finding, { result: 'fail', resources: [{ kind: 'Service', name: 'legacy-nodeport' }] }, 'the NodePort Service is reported as failing SVC-NODEPORT')
  t.ok((report.body.summary.fail ?? 0) >= 1, 'the summary counts it')
  t.equal(report.body.metadata.labels?.['app.kubernetes.io/managed-by'], 'netguard')

  const second = await audit()
  t.match(second.stderr, /PolicyReports 0 created, \d+ updated/, 'a second run replaces the reports in place')
})

t.test('the schema is really checked: a result the CRD forbids is refused', async (t) => {
  const bad = {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'PolicyReport',
    metadata: { name: 'not-netguard', namespace },
    results: [{ policy: 'x', result: 'maybe' }]
  }
  const reply = await cluster.admin.create(pathOf(bad, false), bad)
  t.equal(reply.status, 422, 'Unprocessable: the enum holds')
  t.match(String(reply.body.message), /results\[0\]\.result: Unsupported value: "maybe"/)
})
