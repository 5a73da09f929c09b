import { createRequire } from 'node:module'
import { Ajv } from 'ajv'
import t from 'tap'
import { escapeData, escapeProperty } from '../../src/cli/formats/github.ts'
import { runCliWith } from '../helpers/cli.ts'

const APP = 'test/fixtures/manifests/app'
const MIXED = 'test/fixtures/check/mixed'
const check = async (args: readonly string[], stdin = '') => await runCliWith(['check', ...args], { stdin })

/** The OASIS SARIF 2.1.0 schema (draft-04), as Microsoft's SARIF SDK ships it, read by ajv 8. */
function sarifValidator (): (value: unknown) => boolean {
  const require = createRequire(import.meta.url)
  const { $schema: _draft, id, ...schema } = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as Record<string, unknown>
  const ajv = new Ajv({ strict: false, validateSchema: false, validateFormats: false, unicodeRegExp: false, allErrors: true })
  const validate = ajv.compile({ ...schema, $id: String(id) })
  return (value) => {
    const valid = validate(value)
    if (!valid) t.comment(JSON.stringify(validate.errors, null, 2))
    return valid
  }
}

interface SarifResult { ruleId: string, ruleIndex: number, level: string, locations: { physicalLocation: { artifactLocation: { uri: string, uriBaseId?: string }, region: { startLine: number, startColumn: number } } }[], partialFingerprints: Record<string, string> }

t.test('sarif: valid SARIF 2.1.0, every finding with its file, line and column', async (t) => {
  const { code, stdout } = await check(['-f', APP, '-f', MIXED, '-f', 'examples/reviews/networkpolicy-managed-delete.json'])
  t.equal(code, 1)
  const sarif = JSON.parse((await check(['-f', APP, '-f', MIXED, '-f', 'examples/reviews/networkpolicy-managed-delete.json', '-o', 'sarif'])).stdout)
  const valid = sarifValidator()
  t.ok(valid(sarif), 'valid against the SARIF 2.1.0 schema')
  t.notOk(valid({ version: '2.1.0', runs: [{ results: [] }] }), 'the schema does judge: a run needs its tool')
  const [run] = sarif.runs
  t.equal(run.tool.driver.name, 'netguard')
  const results = run.results as SarifResult[]
  t.equal(results.length, (stdout.match(/^ {2}(deny|warn|would deny|audit): /gm) ?? []).length, 'one result per finding of the text report')
  for (const result of results) {
    const { artifactLocation, region } = result.locations[0]?.physicalLocation ?? { artifactLocation: { uri: '' }, region: { startLine: 0, startColumn: 0 } }
    t.ok(artifactLocation.uri !== '' && region.startLine > 0 && region.startColumn > 0, `${result.ruleId} at ${artifactLocation.uri}:${region.startLine}:${region.startColumn}`)
    t.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId, 'ruleIndex points at its rule')
  }
  t.match(results.find((result) => result.ruleId === 'SVC-NODEPORT'), {
    level: 'error',
    locations: [{ physicalLocation: { artifactLocation: { uri: `${APP}/services.yaml`, uriBaseId: '%SRCROOT%' }, region: { startLine: 8, startColumn: 3 } } }]
  })
  t.match(results.find((result) => result.ruleId === 'SCHEMA-UNKNOWN-FIELD'), { level: 'warning', locations: [{ physicalLocation: { region: { startLine: 9 } } }] })
  t.match(results.find((result) => result.ruleId === 'NETPOL-MANAGED'), { locations: [{ physicalLocation: { artifactLocation: { uri: 'examples/reviews/networkpolicy-managed-delete.json' } } }] }, 'a finding in a JSON AdmissionReview is located too')
  t.match(run.invocations[0].toolExecutionNotifications, [{ message: { text: /^skipped: a kustomize file/ } }, {}, {}])
  const again = JSON.parse((await check(['-f', APP, '-f', MIXED, '-o', 'sarif', '--mode', 'audit'])).stdout)
  const fingerprints = (log: { runs: { results: SarifResult[] }[] }): string[] => log.runs[0]?.results.map((result) => result.partialFingerprints['netguardFinding/v1'] ?? '') ?? []
  t.same(fingerprints(again), fingerprints(sarif).slice(0, fingerprints(again).length), 'a finding keeps its fingerprint from run to run')
  t.equal(again.runs[0].results.find((result: SarifResult) => result.ruleId === 'SVC-NODEPORT').level, 'warning', 'audit mode: what would be denied is a warning')
})

t.test('github: one workflow command per finding, on its line', async (t) => {
  const { code, stdout } = await check(['-f', `${APP}/services.yaml`, '-f', `${MIXED}/app.yaml`, '-o', 'github'])
  t.equal(code, 1)
  const lines = stdout.trimEnd().split('\n')
  t.equal(lines[0], `::error file=${APP}/services.yaml,line=8,col=3,title=SVC-NODEPORT Service shop/web-nodeport::spec.type NodePort is not allowed in namespace shop; use a Route or a ClusterIP Service`)
  t.match(lines[1], `::warning file=${MIXED}/app.yaml,line=9,col=3,title=SCHEMA-UNKNOWN-FIELD Service shop/web::spec.typ is not a field of Service (v1); did you mean spec.type?`)
  t.match(lines.at(-1), /^netguard check: \d+ objects, 1 denied, /)
  const audit = await check(['-f', `${APP}/services.yaml`, '-o', 'github', '--mode', 'audit'])
  t.match(audit.stdout, /^::warning file=/, 'audit mode: what would be denied is a warning')
})

t.test('github: messages and properties are escaped as the runner unescapes them', async (t) => {
  t.equal(escapeData('50% of\r\nlines'), '50%25 of%0D%0Alines')
  t.equal(escapeProperty('a:b,c%'), 'a%3Ab%2Cc%25')
})
