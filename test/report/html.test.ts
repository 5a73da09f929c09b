import { createHash } from 'node:crypto'
import t from 'tap'
import { loadPolicyDir } from '../../src/policy/load.ts'
import { reportAssets } from '../../src/report/assets.ts'
import { compareReports, withComparison } from '../../src/report/compare.ts'
import { embeddedJson, readPostureDocument, renderPostureHtml } from '../../src/report/html.ts'
import { buildPosture, type PostureDocument } from '../../src/report/posture.ts'
import { auditReviewed, REPORT_CLUSTER, reportPolicy } from './fixture.ts'

const policy = await reportPolicy()
const NOW = new Date('2026-11-26T12:00:00Z')
const document = (objects = REPORT_CLUSTER, previous?: PostureDocument): PostureDocument =>
  withComparison(buildPosture({ front: 'audit', source: 'test', generatedAt: NOW, policy, mode: 'enforce', reviewed: auditReviewed(objects, policy), adminDetail: true }), previous)

const HOSTILE = '</script><script>window.__pwned=1</script><!--<img src=x onerror="window.__pwned=2">'

t.test('the data block cannot be closed or commented by any value', async (t) => {
  const json = embeddedJson({ name: HOSTILE, note: '<!-- --> </SCRIPT >' })
  t.notMatch(json, /</, 'no < at all')
  t.same(JSON.parse(json), { name: HOSTILE, note: '<!-- --> </SCRIPT >' }, 'and it reads back the same')
  const hostile = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', annotations: { note: HOSTILE } }, spec: { type: 'NodePort', externalIPs: [HOSTILE], ports: [{ port: 80 }] } }
  const html = renderPostureHtml(document([...REPORT_CLUSTER, hostile]), reportAssets())
  t.equal(html.split('</script>').length - 1, 2, 'two closing script tags: the data block and the page script')
  t.notOk(html.includes('<script>window.__pwned'), 'the hostile value is not markup')
  t.same(readPostureDocument(html).exposures.find((exposure) => exposure.type === 'external-ip' && exposure.ns === 'shop')?.what, `traffic to ${HOSTILE} on every node`)
})

t.test('the Content-Security-Policy forbids every fetch and runs only the page\'s own style and script', async (t) => {
  const assets = reportAssets()
  const html = renderPostureHtml(document(), assets)
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? ''
  const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`
  t.match(csp, /^default-src 'none'; /)
  t.match(csp, `script-src ${hash(assets.script)};`)
  t.match(csp, `style-src ${hash(assets.style)};`)
  t.notMatch(csp, /unsafe|https?:/)
  t.ok(html.includes(`<script>${assets.script}</script>`) && html.includes(`<style>${assets.style}</style>`), 'inline, exactly as hashed')
  t.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style>'), 'the policy comes before what it governs')
  t.notMatch(html, /\{\{[A-Z]+\}\}/, 'no placeholder left')
  t.throws(() => renderPostureHtml(document(), { ...assets, script: 'x = "</script>"' }), /contains <\/script/)
})

t.test('--compare reads the HTML report or its JSON, and refuses anything else with a reason', async (t) => {
  const original = document()
  const html = renderPostureHtml(original, reportAssets())
  t.same(readPostureDocument(html), JSON.parse(JSON.stringify(original)))
  t.same(readPostureDocument(JSON.stringify(original)), JSON.parse(JSON.stringify(original)))
  t.throws(() => readPostureDocument('<html>hello</html>'), /not a netguard posture report: no posture data block/)
  t.throws(() => readPostureDocument('{"apiVersion": "v1", "kind": "List"}'), /expected apiVersion netguard\.io\/v1alpha1 and kind PostureReport/)
  t.throws(() => readPostureDocument('{"apiVersion": "netguard.io/v1alpha1", "kind": "PostureReport", "findings": []}'), /no exposures list/)
  t.throws(() => readPostureDocument('{"apiVersion": "netguard.io/v1alpha1", "kind": "PostureReport", "findings": [], "exposures": [], "namespaces": []}'), /no summary/)
  t.throws(() => readPostureDocument('{"apiVersion": '), /not valid JSON/)
})

t.test('compare: fixed findings and closed exposures are better; new ones, lost isolation and new waivers are worse', async (t) => {
  const before = document()
  const fixed = REPORT_CLUSTER.filter((object) => object.metadata?.name !== 'hijack' && !(object.kind === 'NetworkPolicy' && object.metadata?.namespace === 'shop' && object.metadata.name === 'netguard-allow-from-monitoring'))
  const opened = { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'new-site', namespace: 'payments' }, spec: { host: 'new.apps.example.com', to: { kind: 'Service', name: 'web' } } }
  const after = document([...fixed, opened], before)
  const { compare } = after
  t.match(compare?.previous, { generatedAt: before.generatedAt, source: 'test', summary: before.summary })
  const texts = (changes: readonly { what: string, ns: string, object: string, key: string }[]): string[] => changes.map((change) => `${change.what} ${change.ns} ${change.object} ${change.key}`)
  t.same(texts(compare?.better ?? []), [
    'finding legacy Service/hijack SVC-EXTERNALIP',
    'exposure legacy Service/hijack external-ip'
  ])
  t.same(texts(compare?.worse ?? []), [
    'finding payments Route/new-site ROUTE-TLS',
    'exposure payments Route/new-site route-plain-http',
    'isolation shop  partial'
  ])
  t.match(compare?.worse.at(-1), { text: 'isolation isolated → partial' })
  t.same(compareReports(before, before).better, [], 'nothing changed, nothing to say')

  const bundled = await loadPolicyDir('policies')
  const withoutException = buildPosture({ front: 'audit', source: 'test', generatedAt: NOW, policy: bundled, mode: 'enforce', reviewed: auditReviewed(REPORT_CLUSTER, bundled), adminDetail: true })
  const waived = compareReports(withoutException, before)
  const nodePort = (changes: readonly { key: string, object: string, text: string }[]): string[] => changes.filter((change) => change.key === 'SVC-NODEPORT' && change.object === 'Service/web').map((change) => change.text)
  t.same(nodePort(waived.worse), ['waived: waived by exception shop-edge'], 'a new exception is a risk accepted')
  t.match(nodePort(waived.better), [/^deny no more: /], 'and the deny it lifts is gone')
})
