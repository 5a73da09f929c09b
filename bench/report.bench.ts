// How long the posture report of a large cluster takes, and how big it is: `npm run bench:report`
// (default 5,000 namespaces, 50,000 objects; `-- --namespaces N` for another size). The review
// is audit's own (auditObjects over a static view of the objects); the report is everything after:
// the posture document, the HTML. The bound: under 10 s and under 20 MB.
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { auditObjects } from '../src/cli/audit-report.ts'
import { staticClusterView } from '../src/cluster/static-view.ts'
import { loadPolicyDir } from '../src/policy/load.ts'
import { reportAssets } from '../src/report/assets.ts'
import { renderPostureHtml } from '../src/report/html.ts'
import { buildPosture } from '../src/report/posture.ts'
import { syntheticCluster } from './synthetic-cluster.ts'

const { values } = parseArgs({ options: { namespaces: { type: 'string', default: '5000' } } })
const namespaces = Number(values.namespaces)
const policy = await loadPolicyDir(fileURLToPath(new URL('../policies/', import.meta.url)))
const objects = syntheticCluster(namespaces)
const now = new Date()

const reviewStart = performance.now()
const audited = auditObjects(objects, policy, staticClusterView(objects), now)
const reviewMs = performance.now() - reviewStart

const reportStart = performance.now()
const document = buildPosture({
  front: 'audit',
  source: 'synthetic cluster',
  generatedAt: now,
  policy,
  mode: 'enforce',
  reviewed: audited.map(({ object, review, verdict }) => ({ object, review, exempt: verdict === 'exempt' })),
  adminDetail: true
})
const html = renderPostureHtml(document, reportAssets())
const reportMs = performance.now() - reportStart
const megabytes = Buffer.byteLength(html) / 1024 / 1024

console.log(`posture report: ${namespaces.toLocaleString('en')} namespaces, ${objects.length.toLocaleString('en')} objects, ` +
  `${document.findings.length.toLocaleString('en')} findings, ${document.exposures.length.toLocaleString('en')} exposures`)
console.log(`review (audit's own) ${(reviewMs / 1000).toFixed(2)} s; report (document + HTML) ${(reportMs / 1000).toFixed(2)} s; ` +
  `together ${((reviewMs + reportMs) / 1000).toFixed(2)} s; HTML ${megabytes.toFixed(1)} MB`)
if (reviewMs + reportMs > 10_000 || megabytes > 20) {
  console.log('over the bound of 10 s and 20 MB')
  process.exitCode = 1
}
