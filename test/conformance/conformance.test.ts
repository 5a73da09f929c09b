import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { CONFORMANCE_DIR, formatConformance, runConformance } from './conformance.ts'

// The peers' own test cases (corpus/) through `netguard test` with the suites under
// test/conformance/: every covered case must agree, and coverage must not shrink.
const MINIMUM_COVERED = 208

interface CorpusCase { id: string, configuration: string, file: string, document: number, operation: string, verdict: string, existing_objects?: string[], previous_version?: string, mock_values?: string }
interface SuiteCase { name: string, resource: string, operation?: string, oldResource?: string, clusterState?: unknown[], policies?: string[], expect: { allowed: boolean } }

t.test('netguard agrees with the peers on every covered conformance case', async (t) => {
  const run = await runConformance()
  t.equal(run.outcomes.length, 208, 'the whole corpus is run')
  t.same(run.outcomes.filter((outcome) => outcome.status === 'fail').map((outcome) => `${outcome.suite} ${outcome.name}`), [], formatConformance(run))
  t.ok(run.outcomes.filter((outcome) => outcome.status === 'pass').length >= MINIMUM_COVERED, `covered >= ${MINIMUM_COVERED}`)
  t.match(formatConformance(run), /^conformance: 208\/208 agree \(0 not covered\)\n$/m)
})

// The suites were written from the corpus' cases.yaml; this keeps them a faithful rewrite: the
// same cases, objects, operations, old versions, cluster objects and verdicts.
t.test('each suite holds its corpus folder\'s cases as cases.yaml gives them', async (t) => {
  const corpus = join(CONFORMANCE_DIR, 'corpus')
  for (const source of readdirSync(corpus, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    for (const folder of readdirSync(join(corpus, source.name))) {
      const { cases } = parse(readFileSync(join(corpus, source.name, folder, 'cases.yaml'), 'utf8')) as { cases: CorpusCase[] }
      const suite = parse(readFileSync(join(CONFORMANCE_DIR, source.name, folder, 'netguard-test.yaml'), 'utf8')) as { policies: string[], cases: SuiteCase[] }
      const ref = (file: string, document: number): string => `../../corpus/${source.name}/${folder}/${file}#${document + 1}`
      const fromRef = (value: string): string => { const hash = value.lastIndexOf('#'); return ref(value.slice(0, hash), Number(value.slice(hash + 1))) }
      t.same(suite.cases.map((item) => item.name), cases.map((item) => item.id), `${source.name}/${folder}: the same cases in the same order`)
      for (const [index, item] of cases.entries()) {
        const written = suite.cases[index]
        t.match(written, {
          resource: ref(item.file, item.document),
          operation: item.operation === 'CREATE' ? undefined : item.operation,
          oldResource: item.previous_version === undefined ? undefined : fromRef(item.previous_version),
          expect: { allowed: item.verdict === 'allow' }
        }, `${source.name}/${folder} ${item.id}`)
        t.same(written?.policies ?? suite.policies, [`${item.configuration}/`], `${item.id}: the configuration's policy`)
        const state = (written?.clusterState ?? []).filter((entry) => typeof entry === 'string')
        for (const existing of item.existing_objects ?? []) t.ok(state.includes(fromRef(existing)), `${item.id}: existing ${existing} is cluster state`)
        if (item.mock_values !== undefined) t.ok(written?.clusterState !== undefined, `${item.id}: the mocked lookup is written as cluster state`)
      }
    }
  }
})
