import t from 'tap'
import { formatConformance, runConformance } from './conformance.ts'

// The peers' own test cases (test/conformance/corpus) through netguard with the policies under
// test/conformance/: every covered case must agree, and coverage must not shrink.
const MINIMUM_COVERED = 208

t.test('netguard agrees with the peers on every covered conformance case', async (t) => {
  const result = await runConformance()
  t.equal(result.outcomes.length, 208, 'the whole corpus is read')
  t.same(result.disagreements.map((outcome) => `${outcome.folder} ${outcome.id}`), [], formatConformance(result))
  t.ok(result.covered >= MINIMUM_COVERED, `covered ${result.covered} >= ${MINIMUM_COVERED}`)
  t.match(formatConformance(result), /^conformance: \d+\/\d+ agree \(\d+ not covered\)\n$/m)
})
