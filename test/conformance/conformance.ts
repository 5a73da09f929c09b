import { fileURLToPath } from 'node:url'
import { PACKAGE_ROOT } from '../../src/config.ts'
import { formatTestRun, runTests, type TestRun } from '../../src/cli/test.ts'

/**
 * The peers' conformance corpus (corpus/: gatekeeper-library, kyverno/policies and kyverno CLI
 * test objects with their expected verdicts) as `netguard test` suites: one netguard-test.yaml per
 * corpus folder, beside the policy that expresses the peer's rule (README.md).
 */
export const CONFORMANCE_DIR = fileURLToPath(new URL('./', import.meta.url))

export async function runConformance (): Promise<TestRun> {
  // Every suite names its policies; the bundled folder is only the default the runner needs.
  return await runTests([CONFORMANCE_DIR], { policiesDir: `${PACKAGE_ROOT}/policies`, cwd: CONFORMANCE_DIR })
}

/** The failures with their diffs (every case with verbose), then `conformance: P/T agree (S not covered)`. */
export function formatConformance (run: TestRun, verbose = false): string {
  const cases = formatTestRun(run, !verbose).split('\n').slice(0, -2)
  const count = (status: string): number => run.outcomes.filter((outcome) => outcome.status === status).length
  const agree = count('pass')
  return [...cases, `conformance: ${agree}/${agree + count('fail')} agree (${count('skip')} not covered)`, ''].join('\n')
}
