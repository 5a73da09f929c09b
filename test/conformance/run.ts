import { parseArgs } from 'node:util'
import { CORPUS_DIR, formatConformance, POLICIES_DIR, runConformance } from './conformance.ts'

// npm run conformance [-- --verbose] [--corpus DIR]: prints each disagreement, then the summary line.
const { values } = parseArgs({ options: { verbose: { type: 'boolean', short: 'v' }, corpus: { type: 'string' } } })
const result = await runConformance(values.corpus ?? CORPUS_DIR, POLICIES_DIR)
process.stdout.write(formatConformance(result, values.verbose === true))
process.exitCode = result.disagreements.length > 0 ? 1 : 0
