import { parseArgs } from 'node:util'
import { formatConformance, runConformance } from './conformance.ts'

// npm run conformance [-- --verbose]: the suites under test/conformance through `netguard test`;
// prints each disagreement with its diff, then `conformance: P/T agree (S not covered)`.
const { values } = parseArgs({ options: { verbose: { type: 'boolean', short: 'v' } } })
const run = await runConformance()
process.stdout.write(formatConformance(run, values.verbose === true))
process.exitCode = run.outcomes.some((outcome) => outcome.status === 'fail') ? 1 : 0
