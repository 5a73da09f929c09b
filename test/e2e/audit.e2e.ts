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
import type { Manifest } from './harness/chart.ts'
import { CLI, podCommand, type PodSpec } from './harness/netguard.ts'
import { createAll, kubeconfigFor, serviceAccountToken } from './harness/setup.ts'

const cluster = e2eCluster()
t.teardown(() => cluster.close())
const { state } = cluster

/** The chart's audit, rendered with these values: its ServiceAccount, ClusterRole and binding, and its CronJob. */
function renderAudit (audit: Record<string, unknown>): { account: Manifest, role: Manifest, rbac: Manifest[], pod: PodSpec } {
  const rendered = renderWithHelm(join(state.binDir, 'helm'), e2eValues({ audit: { enabled: true, ...audit } }), state.kubeVersion)
  const account = rendered.find((object) => object.kind === 'ServiceAccount' && object.metadata.name.endsWith('-audit'))
  const cronJob = rendered.find((object) => object.kind === 'CronJob')
  if (account === undefined || cronJob === undefined) throw new Error('the chart rendered with audit.enabled has no audit ServiceAccount or CronJob')
  const rbac = rendered.filter((object) => object.metadata.name === account.metadata.name && ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'].includes(object.kind))
  const role = rbac.find((object) => object.kind === 'ClusterRole')!
  return { account, role, rbac, pod: (cronJob.spec as { jobTemplate: { spec: { template: { spec: PodSpec } } } }).jobTemplate.spec.template.spec }
}

const wgpolicy = renderAudit({})
await createAll(cluster.admin, wgpolicy.rbac)

const dir = mkdtempSync(join(tmpdir(), 'netguard-e2e-audit-'))
const kubeconfig = join(dir, 'kubeconfig')
writeFileSync(kubeconfig, kubeconfigFor(state.server, state.ca, await serviceAccountToken(cluster.admin, wgpolicy.account.metadata.name)), { mode: 0o600 })

async function audit (pod: PodSpec = wgpolicy.pod): Promise<{ code: number, stdout: string, stderr: string }> {
  const command = podCommand(pod, state.netguard.namespace, { policiesDir: state.netguard.policiesDir, tmpDir: dir, kubeconfig })
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

interface Report { source?: string, metadata: { labels?: Record<string, string> }, summary: Record<string, number>, results: Array<{ rule: string, result: string, resources: Array<{ name: string, kind: string }>, timestamp: { seconds: number } }> }

/** What the API server kept of a result: every field netguard writes, none pruned. */
const NODE_PORT_FINDING = {
  source: 'netguard',
  policy: 'services',
  rule: 'SVC-NODEPORT',
  category: 'Ingress security',
  severity: 'high',
  result: 'fail',
  scored: true,
  properties: { action: 'deny', field: 'spec.type' },
  resources: [{ apiVersion: 'v1', kind: 'Service', name: 'legacy-nodeport', uid: String }]
}

t.test('netguard audit --write, run as the chart\'s CronJob runs it, writes PolicyReports the CRD schema accepts', async (t) => {
  const first = await audit()
  t.equal(first.code, 0, `exit 0 with --exit-zero, although something would be denied: findings never fail the Job (stderr: ${first.stderr.trim()})`)
  t.match(first.stdout, /SVC-NODEPORT/, 'the finding is reported')
  t.match(first.stderr, /PolicyReports \d+ created, 0 updated/, 'created the reports')
  const report = await cluster.admin.request<Report>('GET', `/apis/wgpolicyk8s.io/v1alpha2/namespaces/${namespace}/policyreports/netguard-audit`)
  t.equal(report.status, 200, 'the namespace\'s report is stored')
  const finding = report.body.results.find((result) => result.rule === 'SVC-NODEPORT')
  t.match(finding, NODE_PORT_FINDING, 'the NodePort Service is reported as failing SVC-NODEPORT, with every field kept')
  t.ok((report.body.summary.fail ?? 0) >= 1, 'the summary counts it')
  t.equal(report.body.metadata.labels?.['app.kubernetes.io/managed-by'], 'netguard')

  const second = await audit()
  t.match(second.stderr, /PolicyReports 0 created, \d+ updated/, 'a second run replaces the reports in place')
})

t.test('with audit.reportApi openreports.io/v1alpha1, the chart\'s audit writes Reports the openreports CRD accepts', async (t) => {
  const openreports = renderAudit({ reportApi: 'openreports.io/v1alpha1' })
  const path = pathOf(openreports.role)
  const current = await cluster.admin.get(path)
  const replaced = await cluster.admin.replace(path, { ...openreports.role, metadata: { ...openreports.role.metadata, resourceVersion: (current.body.metadata as { resourceVersion: string }).resourceVersion } })
  t.equal(replaced.status, 200, 'the ClusterRole now grants the openreports.io kinds')
  const run = await audit(openreports.pod)
  t.equal(run.code, 0, `exit 0 (stderr: ${run.stderr.trim()})`)
  t.match(run.stderr, /Reports \d+ created, 0 updated/)
  const report = await cluster.admin.request<Report>('GET', `/apis/openreports.io/v1alpha1/namespaces/${namespace}/reports/netguard-audit`)
  t.equal(report.status, 200, 'the namespace\'s Report is stored')
  t.equal(report.body.source, 'netguard')
  t.match(report.body.results.find((result) => result.rule === 'SVC-NODEPORT'), NODE_PORT_FINDING)
  const clusterReport = await cluster.admin.request('GET', '/apis/openreports.io/v1alpha1/clusterreports/netguard-audit')
  t.equal(clusterReport.status, 200, 'cluster-scoped objects go to a ClusterReport')
  const forbidden = await cluster.admin.request('GET', `/apis/wgpolicyk8s.io/v1alpha2/namespaces/${namespace}/policyreports?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dnetguard`)
  t.equal(forbidden.status, 200, 'the PolicyReports of the first run are left as they were')
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
