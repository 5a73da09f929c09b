// The reports `netguard audit` writes, built from a fixed cluster (test/fixtures/audit) without a
// server, and held to the CRD schemas of both report APIs (test/fixtures/crds). What the real API
// server makes of them is test/e2e/audit.e2e.ts.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import t from 'tap'
import { isAlias, parseAllDocuments, visit } from 'yaml'
import { auditObjects } from '../../src/cli/audit-report.ts'
import { policyReports, renderReports, REPORT_APIS, type ReportApi } from '../../src/cli/policy-report.ts'
import { staticClusterView } from '../../src/cluster/static-view.ts'
import { RULES } from '../../src/engine/rules/index.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { loadPolicyDir } from '../../src/policy/load.ts'

const NOW = new Date('2026-11-26T12:00:00Z')
const SEED = parseAllDocuments(readFileSync(new URL('../fixtures/audit/cluster.yaml', import.meta.url), 'utf8'))
  .map((document, index) => {
    const object = document.toJS() as KubeObject
    return { ...object, metadata: { ...object.metadata, uid: `uid-${index}` } }
  })
const BUNDLED = fileURLToPath(new URL('../../policies/', import.meta.url))

interface Result { policy: string, rule: string, category: string, severity: string, result: string, scored: boolean, source: string, message: string, properties?: Record<string, string>, resources: Record<string, string>[] }
type Report = KubeObject & { source?: string, summary: Record<string, number>, results: Result[] }

async function reportsOf (api: ReportApi, policies = BUNDLED): Promise<Report[]> {
  const policy = await loadPolicyDir(policies)
  return policyReports(auditObjects(SEED, policy, staticClusterView(SEED), NOW), NOW, { api }) as Report[]
}

/**
 * The CRD's schema as the API server applies it: `x-kubernetes-*` dropped, and a field the schema
 * does not list an error here, where the API server would prune it without a word.
 */
function structural (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(structural)
  if (typeof schema !== 'object' || schema === null) return schema
  const entries = Object.entries(schema).filter(([key]) => !key.startsWith('x-kubernetes-')).map(([key, value]) => [key, structural(value)])
  const node = Object.fromEntries(entries) as Record<string, unknown>
  return 'properties' in node && !('additionalProperties' in node) ? { ...node, additionalProperties: false } : node
}

function validators (): Map<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true })
  ajv.addFormat('int32', { type: 'number', validate: (value) => Number.isInteger(value) && Math.abs(value) < 2 ** 31 })
  ajv.addFormat('int64', { type: 'number', validate: Number.isSafeInteger })
  const byKind = new Map<string, ValidateFunction>()
  for (const file of ['policyreports.yaml', 'openreports.yaml']) {
    for (const document of parseAllDocuments(readFileSync(new URL(`../fixtures/crds/${file}`, import.meta.url), 'utf8'))) {
      const crd = document.toJS() as { spec: { group: string, names: { kind: string }, versions: { name: string, schema: { openAPIV3Schema: unknown } }[] } }
      for (const version of crd.spec.versions) {
        byKind.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(structural(version.schema.openAPIV3Schema) as object))
      }
    }
  }
  return byKind
}

t.test('the reports of both APIs are what their CRD schemas accept, field for field', async (t) => {
  const schemas = validators()
  for (const api of Object.keys(REPORT_APIS) as ReportApi[]) {
    const reports = await reportsOf(api)
    t.same(reports.map((report) => report.kind), api === 'openreports.io/v1alpha1' ? ['ClusterReport', 'Report', 'Report'] : ['ClusterPolicyReport', 'PolicyReport', 'PolicyReport'])
    for (const report of reports) {
      const validate = schemas.get(`${report.apiVersion}/${report.kind}`)
      if (validate === undefined) throw new Error(`no CRD for ${report.apiVersion} ${report.kind}`)
      t.ok(validate(report), `${api} ${report.kind} ${report.metadata?.namespace ?? ''}: ${JSON.stringify(validate.errors)}`)
    }
  }
  const bad = { apiVersion: 'openreports.io/v1alpha1', kind: 'Report', metadata: {}, results: [{ policy: 'x', severity: 'urgent', extra: 1 }] }
  const validate = schemas.get('openreports.io/v1alpha1/Report')!
  t.notOk(validate(bad), 'the check itself can fail')
  t.match(validate.errors, [{ instancePath: '/results/0', params: { additionalProperty: 'extra' } }, { instancePath: '/results/0/severity', keyword: 'enum' }])
})

t.test('each result names its policy, rule, category, severity and source, and refers to the object by uid', async (t) => {
  const [cluster, shop, web] = await reportsOf('wgpolicyk8s.io/v1alpha2')
  const nodePort = shop?.results.find((result) => result.rule === 'SVC-NODEPORT')
  t.match(nodePort, {
    source: 'netguard',
    policy: 'services',
    category: 'Ingress security',
    severity: 'high',
    result: 'fail',
    scored: true,
    timestamp: { seconds: NOW.getTime() / 1000, nanos: 0 },
    message: /^spec\.type NodePort is not allowed in namespace shop; /,
    properties: { action: 'deny', field: 'spec.type' },
    resources: [{ apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'shop', uid: 'uid-4' }]
  })
  t.match(cluster?.results.find((result) => result.rule === 'NS-ISOLATION' && result.result === 'warn'), {
    policy: 'namespaces',
    category: 'Network isolation',
    severity: 'medium',
    message: 'would patch: adds label netguard.io/isolation=default-deny',
    properties: { action: 'mutate' },
    resources: [{ kind: 'Namespace', name: 'legacy' }]
  })
  for (const result of [...cluster?.results ?? [], ...shop?.results ?? [], ...web?.results ?? []]) {
    const rule = RULES.find((candidate) => candidate.id === result.rule)
    t.equal(result.category, rule?.category, `${result.rule}: the rule's category`)
    t.equal(result.severity, rule?.severity, `${result.rule}: the rule's severity`)
  }
})

t.test('a tenant reads the report in its namespace: the admin-only detail of a finding stays out', async (t) => {
  const reports = await reportsOf('openreports.io/v1alpha1')
  const ownership = reports.flatMap((report) => report.results).filter((result) => result.rule === 'ROUTE-HOST-OWNERSHIP' && result.result === 'fail')
  t.equal(ownership.length, 2, 'both Routes that claim the host fail')
  t.notMatch(renderReports(reports), /held by/, 'which Route in which namespace holds the host is not said')
})

t.test('rules that only warn or audit give unscored results; skips say why in properties', async (t) => {
  const policies = t.testdir({
    'policy.yaml': [
      'apiVersion: netguard.io/v1alpha1',
      'kind: NetworkGuardPolicy',
      'metadata: { name: tenants }',
      'spec:',
      '  rules:',
      '    SVC-NODEPORT: { action: warn }',
      '  exceptions:',
      '    - { name: web-legacy, rules: [NETPOL-ALLOW-ALL-INGRESS], namespaces: [web], reason: migrating to Routes by June, expires: "2027-06-30" }',
      ''
    ].join('\n')
  })
  const [, shop, web] = await reportsOf('wgpolicyk8s.io/v1alpha2', policies)
  t.match(shop?.results.find((result) => result.rule === 'SVC-NODEPORT'), { policy: 'tenants', result: 'warn', scored: false, properties: { action: 'warn' } })
  t.match(shop?.results.find((result) => result.rule === 'SVC-EXTERNALIP'), { policy: 'netguard-defaults', result: 'pass', scored: true })
  t.match(web?.results.find((result) => result.rule === 'NETPOL-ALLOW-ALL-INGRESS'), {
    policy: 'netguard-defaults',
    result: 'skip',
    message: 'waived by exception web-legacy',
    properties: { exception: 'web-legacy', reason: 'migrating to Routes by June', expires: '2027-07-01T00:00:00.000Z' }
  })
})

t.test('the YAML has no anchors or aliases: every result is written out', async (t) => {
  const reports = await reportsOf('wgpolicyk8s.io/v1alpha2')
  const yaml = renderReports(reports)
  const documents = parseAllDocuments(yaml)
  let aliases = 0
  let anchors = 0
  for (const document of documents) {
    visit(document, (_key, node) => {
      if (isAlias(node)) aliases++
      else if (typeof node === 'object' && node !== null && 'anchor' in node && node.anchor !== undefined) anchors++
    })
  }
  t.equal(aliases, 0)
  t.equal(anchors, 0)
  t.same(documents.map((document) => document.toJS()), JSON.parse(JSON.stringify(reports)), 'the same reports, read back')
})
