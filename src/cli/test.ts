import { readdir, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { staticClusterView } from '../cluster/static-view.ts'
import { buildConfig } from '../config.ts'
import type { CompiledPolicy } from '../engine/policy.ts'
import { withNamespace } from '../engine/subject.ts'
import type { Mode, UserInfo } from '../engine/types.ts'
import { compilePolicy } from '../policy/compile.ts'
import type { SourceDocument } from '../policy/parse.ts'
import { checkInput, isAdmissionReview, manifestInput, requestInput, type CheckOptions } from './check.ts'
import { EXIT, type CliIO } from './io.ts'
import type { FileCache } from './manifests.ts'
import { changesOf, findingsOf, findingText, objectLabel, type CheckedObject, type Verdict } from './report.ts'
import { readSuite, resolveRef, SUITE_FILE_NAME, SuiteError, suitePolicyDocuments, type Suite, type SuiteCase } from './test-suite.ts'

const USAGE = `usage: netguard test PATH ... [options]

Runs test suites: every ${SUITE_FILE_NAME} under each PATH (or the suite files named). A suite
lists resources (files, file#N for the N-th object, or inline), optional cluster state, policies
and rule overrides, and the verdict and rules expected of each resource (docs/check.md).
Exit status: 0 every case as expected, 1 a case was not, 2 an unreadable suite or policy.

options:
      --policies DIR   policies of suites that name none (default: the bundled policies/)
  -q, --quiet          print only the cases that are not as expected, and the summary
  -h, --help           show this help`

/** The user a suite reviews as when it names none: a tenant, exempt from nothing. */
const DEFAULT_USER: UserInfo = { username: 'netguard-test', groups: ['system:authenticated'] }

export interface CaseOutcome {
  /** The suite file, relative to where the run started. */
  readonly suite: string
  /** The case's name, and the object when the case names a file of several. */
  readonly name: string
  readonly status: 'pass' | 'fail' | 'skip'
  /** Why the case was skipped. */
  readonly reason?: string
  /** The mismatches, one line each; empty when the case passed. */
  readonly differences: readonly string[]
  readonly checked?: CheckedObject
}

export interface TestRun {
  readonly suites: number
  readonly outcomes: readonly CaseOutcome[]
}

export interface TestOptions {
  /** Policies of suites that name none. */
  readonly policiesDir: string
  readonly ownNamespace?: string
  /** Paths in outcomes are written relative to this. */
  readonly cwd: string
}

/** Every suite file under the paths, in name order (a path may also be a suite file itself). */
async function findSuites (paths: readonly string[]): Promise<string[]> {
  const found: string[] = []
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined)
    if (info === undefined) throw new SuiteError(`${path}: no such file or directory`)
    if (info.isFile()) {
      found.push(path)
      continue
    }
    const entries = await readdir(path, { recursive: true, withFileTypes: true })
    found.push(...entries.filter((entry) => entry.isFile() && entry.name === SUITE_FILE_NAME).map((entry) => join(entry.parentPath, entry.name)).sort())
  }
  return found
}

/** Runs the suites under the paths. Throws SuiteError (or a policy error) for a suite that cannot run. */
export async function runTests (paths: readonly string[], options: TestOptions): Promise<TestRun> {
  const files = await findSuites(paths)
  if (files.length === 0) throw new SuiteError(`no ${SUITE_FILE_NAME} found under ${paths.join(', ')}`)
  const outcomes: CaseOutcome[] = []
  for (const file of files) outcomes.push(...await runSuite(file, options))
  return { suites: files.length, outcomes }
}

async function runSuite (file: string, options: TestOptions): Promise<CaseOutcome[]> {
  const { suite, document } = await readSuite(file)
  const label = relative(options.cwd, file)
  const now = suite.now === undefined ? new Date() : new Date(suite.now)
  if (Number.isNaN(now.getTime())) throw new SuiteError(`${file}:${document.lineOf(['now'])}: now: "${suite.now ?? ''}" is not a date`)
  const cache: FileCache = new Map()
  const policies = new Map<string, CompiledPolicy>()
  const policyFor = async (paths: readonly string[] | undefined): Promise<CompiledPolicy> => {
    const key = JSON.stringify(paths ?? null)
    let policy = policies.get(key)
    if (policy === undefined) {
      const documents = await suitePolicyDocuments(suite, document, paths, options.policiesDir)
      policy = compilePolicy(documents, options.ownNamespace === undefined ? {} : { ownNamespace: options.ownNamespace })
      policies.set(key, policy)
    }
    return policy
  }
  const outcomes: CaseOutcome[] = []
  for (const [index, item] of suite.cases.entries()) {
    const field = ['cases', index]
    const name = item.name ?? `case ${index + 1}`
    if (item.skip !== undefined) {
      outcomes.push({ suite: label, name, status: 'skip', reason: item.skip, differences: [] })
      continue
    }
    const policy = await policyFor(item.policies ?? suite.policies)
    const checked = await checkCase(suite, document, item, field, { now, cache, policy })
    for (const object of checked) {
      const differences = compare(item.expect, object)
      outcomes.push({
        suite: label,
        name: checked.length === 1 ? name : `${name}: ${objectLabel(object)}`,
        status: differences.length === 0 ? 'pass' : 'fail',
        differences,
        checked: object
      })
    }
  }
  return outcomes
}

interface CaseContext {
  readonly now: Date
  readonly cache: FileCache
  readonly policy: CompiledPolicy
}

/** Reviews each object a case names, as `netguard check` would with the case's settings. */
async function checkCase (suite: Suite, document: SourceDocument, item: SuiteCase, field: readonly (string | number)[], context: CaseContext): Promise<CheckedObject[]> {
  const namespace = item.namespace ?? suite.namespace ?? 'default'
  const stateRefs = [
    ...(suite.clusterState ?? []).map((ref, index) => ({ ref, at: ['clusterState', index] })),
    ...(item.clusterState ?? []).map((ref, index) => ({ ref, at: [...field, 'clusterState', index] }))
  ]
  const state = (await Promise.all(stateRefs.map(async ({ ref, at }) => await resolveRef(ref, document, at, context.cache)))).flat()
  const user = item.user ?? suite.user ?? DEFAULT_USER
  const options: CheckOptions = {
    namespace,
    user: { username: user.username, groups: user.groups ?? [] },
    now: context.now,
    cluster: staticClusterView(state.map(({ object }) => withNamespace(object, namespace)))
  }
  const mode: Mode | undefined = suite.mode
  const resources = await resolveRef(item.resource, document, [...field, 'resource'], context.cache)
  const old = item.oldResource === undefined ? undefined : await resolveRef(item.oldResource, document, [...field, 'oldResource'], context.cache)
  if (old !== undefined && old.length !== 1) throw new SuiteError(`${document.file}:${document.lineOf([...field, 'oldResource'])}: oldResource must name one object`)
  const operation = item.operation ?? (old === undefined ? 'CREATE' : 'UPDATE')
  return resources.map((manifest) => {
    if (isAdmissionReview(manifest.object)) {
      const reviewed = requestInput(manifest, options)
      if ('message' in reviewed) throw new SuiteError(`${document.file}:${document.lineOf([...field, 'resource'])}: ${reviewed.message}`)
      return checkInput(reviewed, context.policy, mode)
    }
    return checkInput(manifestInput(manifest, options, operation, old?.[0]?.object), context.policy, mode)
  })
}

/** The rules that reported something on the object: a finding, or a change a mutating rule makes. */
function reportingRules (object: CheckedObject): string[] {
  return [...new Set(object.rules.filter((result) => (result.violations?.length ?? 0) > 0 || result.change !== undefined).map((result) => result.ruleId))].sort()
}

/** What differs from the expectation, one line each; empty when nothing does. */
function compare (expect: SuiteCase['expect'], object: CheckedObject): string[] {
  const differences: string[] = []
  if (expect.verdict !== undefined && expect.verdict !== object.verdict) differences.push(`verdict: expected ${expect.verdict}, got ${verdictText(object.verdict, object)}`)
  if (expect.allowed !== undefined && expect.allowed !== object.decision.allowed) {
    differences.push(`allowed: expected ${String(expect.allowed)}, got ${String(object.decision.allowed)}`)
  }
  if (expect.rules !== undefined) {
    const got = reportingRules(object)
    const wanted = [...new Set(expect.rules)].sort()
    const missing = wanted.filter((id) => !got.includes(id))
    const extra = got.filter((id) => !wanted.includes(id))
    if (missing.length > 0 || extra.length > 0) {
      differences.push('rules:', ...missing.map((id) => `  - ${id}  (expected, not reported)`), ...extra.map((id) => `  + ${id}  (reported, not expected)`))
    }
  }
  return differences
}

function verdictText (verdict: Verdict, object: CheckedObject): string {
  return verdict === 'skip' && object.skipReason !== undefined ? `skip (${object.skipReason})` : verdict
}

/** One line per case (only the failures with quiet), each failure with its diff and findings, then the summary. */
export function formatTestRun (run: TestRun, quiet = false): string {
  const lines: string[] = []
  for (const outcome of run.outcomes) {
    if (outcome.status === 'pass') {
      if (!quiet) lines.push(`PASS  ${outcome.suite}: ${outcome.name}`)
    } else if (outcome.status === 'skip') {
      if (!quiet) lines.push(`SKIP  ${outcome.suite}: ${outcome.name}: ${outcome.reason ?? ''}`)
    } else {
      lines.push(`FAIL  ${outcome.suite}: ${outcome.name}`, ...outcome.differences.map((line) => `    ${line}`))
      if (outcome.checked !== undefined) lines.push(...reported(outcome.checked).map((line) => `    ${line}`))
    }
  }
  const count = (status: CaseOutcome['status']): number => run.outcomes.filter((outcome) => outcome.status === status).length
  lines.push(`${run.suites} suite${run.suites === 1 ? '' : 's'}, ${run.outcomes.length} cases: ${count('pass')} as expected, ${count('fail')} not, ${count('skip')} skipped`)
  return `${lines.join('\n')}\n`
}

/** What netguard reported on the object, as `netguard check` prints it. */
function reported (object: CheckedObject): string[] {
  const report = { mode: object.decision.mode, showDetail: false }
  const findings = findingsOf(object, report).map((row) => `  ${row.effect}: ${findingText(row)}`)
  const changes = changesOf(object).map((change) => `  patch: [${change.ruleId}] ${change.message}`)
  return findings.length + changes.length === 0 ? ['netguard reported nothing'] : ['netguard reported:', ...findings, ...changes]
}

export async function testCommand (args: readonly string[], io: CliIO): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: {
        policies: { type: 'string' },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (error) {
    io.stderr.write(`netguard test: ${(error as Error).message}\n\n${USAGE}\n`)
    return EXIT.usage
  }
  if (parsed.values.help === true) {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  if (parsed.positionals.length === 0) {
    io.stderr.write(`netguard test: no suites given: netguard test DIR\n\n${USAGE}\n`)
    return EXIT.usage
  }
  const config = buildConfig({ policies: parsed.values.policies }, io.env)
  let run: TestRun
  try {
    run = await runTests(parsed.positionals, { policiesDir: config.policiesDir, ownNamespace: config.ownNamespace, cwd: process.cwd() })
  } catch (error) {
    io.stderr.write(`netguard test: ${(error as Error).message}\n`)
    return EXIT.usage
  }
  io.stdout.write(formatTestRun(run, parsed.values.quiet))
  return run.outcomes.some((outcome) => outcome.status === 'fail') ? EXIT.violations : EXIT.ok
}
