import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { checkInput, manifestInput } from '../../src/cli/check.ts'
import { parseManifests } from '../../src/cli/manifests.ts'
import { staticClusterView } from '../../src/cluster/static-view.ts'
import { withNamespace } from '../../src/engine/subject.ts'
import type { CompiledPolicy } from '../../src/engine/policy.ts'
import { RULES } from '../../src/engine/rules/index.ts'
import type { Operation, Violation } from '../../src/engine/types.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { compilePolicy } from '../../src/policy/compile.ts'
import { parseSource, type SourceDocument } from '../../src/policy/parse.ts'
import { POLICY_API_VERSION, POLICY_KIND } from '../../src/policy/schema.ts'

/**
 * Runs the peers' conformance corpus (test/conformance/corpus, a copy of gatekeeper-library,
 * kyverno/policies and kyverno CLI test objects with their expected verdicts) through netguard.
 *
 * For a corpus folder `<source>/<folder>`, netguard's side lives in `test/conformance/<source>/<folder>/`:
 * one policy directory per tested configuration (`<configuration id>/*.yaml`), and optionally a
 * `conformance.yaml` with objects standing in for the peer's mocked lookups (`mockState`, keyed
 * by the mock values file) and the cases the policy cannot express (`notCovered`, with reasons).
 * A folder without that directory is not covered (test/conformance/README.md says why).
 */

export const CORPUS_DIR = new URL('./corpus/', import.meta.url).pathname
export const POLICIES_DIR = new URL('./', import.meta.url).pathname

/** The namespace Kubernetes gives objects that name none; chainsaw runs each test in a fresh one. */
const DEFAULT_NAMESPACE = 'default'
const CHAINSAW_NAMESPACE = 'chainsaw-test'
/** A fixed clock keeps certificate and exception checks reproducible. */
const NOW = new Date('2026-11-26T12:00:00Z')
const USER = { username: 'conformance-tenant', groups: ['system:authenticated'] }

type Verdict = 'allow' | 'deny'

interface CorpusCase {
  readonly id: string
  readonly configuration: string
  readonly file: string
  readonly document: number
  readonly operation: Operation
  readonly verdict: Verdict
  readonly existing_objects?: readonly string[]
  readonly previous_version?: string
  readonly mock_values?: string
}

interface CorpusFolder {
  readonly cases: readonly CorpusCase[]
  readonly setup_objects?: readonly string[]
}

/** netguard's side of one corpus folder (`conformance.yaml`). */
interface FolderSettings {
  readonly mockState?: Readonly<Record<string, readonly KubeObject[]>>
  readonly notCovered?: readonly { readonly case: string, readonly reason: string }[]
}

export interface CaseOutcome {
  /** `<source>/<folder>`, e.g. `kyverno/restrict-node-port`. */
  readonly folder: string
  readonly id: string
  readonly expected: Verdict
  /** netguard's verdict; undefined when the case is not covered. */
  readonly actual?: Verdict
  /** Why the case is not covered. */
  readonly reason?: string
  readonly violations: readonly Violation[]
}

export interface ConformanceResult {
  readonly outcomes: readonly CaseOutcome[]
  readonly agree: number
  readonly covered: number
  readonly notCovered: number
  readonly disagreements: readonly CaseOutcome[]
}

export async function runConformance (corpusDir = CORPUS_DIR, policiesDir = POLICIES_DIR): Promise<ConformanceResult> {
  const outcomes: CaseOutcome[] = []
  for (const folder of await corpusFolders(corpusDir)) {
    outcomes.push(...await runFolder(folder, join(corpusDir, folder), join(policiesDir, folder)))
  }
  const covered = outcomes.filter((outcome) => outcome.actual !== undefined)
  const disagreements = covered.filter((outcome) => outcome.actual !== outcome.expected)
  return {
    outcomes,
    agree: covered.length - disagreements.length,
    covered: covered.length,
    notCovered: outcomes.length - covered.length,
    disagreements
  }
}

/** `gatekeeper/externalip`, ... in name order. */
async function corpusFolders (corpusDir: string): Promise<string[]> {
  const folders: string[] = []
  for (const source of (await readdir(corpusDir, { withFileTypes: true })).filter((entry) => entry.isDirectory())) {
    for (const folder of await readdir(join(corpusDir, source.name), { withFileTypes: true })) {
      if (folder.isDirectory() && existsSync(join(corpusDir, source.name, folder.name, 'cases.yaml'))) folders.push(`${source.name}/${folder.name}`)
    }
  }
  return folders.sort()
}

async function runFolder (folder: string, corpusFolder: string, policyFolder: string): Promise<CaseOutcome[]> {
  const corpus = parse(await readFile(join(corpusFolder, 'cases.yaml'), 'utf8')) as CorpusFolder
  const uncovered = (item: CorpusCase, reason: string): CaseOutcome => ({ folder, id: item.id, expected: item.verdict, reason, violations: [] })
  if (!existsSync(policyFolder)) return corpus.cases.map((item) => uncovered(item, 'folder not covered (see test/conformance/README.md)'))

  const settingsFile = join(policyFolder, 'conformance.yaml')
  const settings = (existsSync(settingsFile) ? parse(await readFile(settingsFile, 'utf8')) : {}) as FolderSettings
  const objects = new ObjectStore(corpusFolder)
  const policies = new Map<string, CompiledPolicy | undefined>()
  const outcomes: CaseOutcome[] = []
  for (const item of corpus.cases) {
    const skipped = settings.notCovered?.find((entry) => entry.case === item.id)
    if (skipped !== undefined) {
      outcomes.push(uncovered(item, skipped.reason))
      continue
    }
    if (!policies.has(item.configuration)) policies.set(item.configuration, await loadConformancePolicy(join(policyFolder, item.configuration)))
    const policy = policies.get(item.configuration)
    if (policy === undefined) {
      outcomes.push(uncovered(item, `no policy for configuration ${item.configuration}`))
      continue
    }
    const namespace = item.id.startsWith('chainsaw/') ? CHAINSAW_NAMESPACE : DEFAULT_NAMESPACE
    const refs = [...new Set([...item.id.startsWith('chainsaw/') ? corpus.setup_objects ?? [] : [], ...item.existing_objects ?? []])]
    const state = [...await Promise.all(refs.map(async (ref) => await objects.get(ref))), ...item.mock_values === undefined ? [] : settings.mockState?.[item.mock_values] ?? []]
    if (item.mock_values !== undefined && settings.mockState?.[item.mock_values] === undefined) {
      throw new Error(`${folder}: case ${item.id} uses mock values ${item.mock_values}, but conformance.yaml gives no mockState for it`)
    }
    const options = { namespace, user: USER, now: NOW, cluster: staticClusterView(state.map((object) => withNamespace(object, namespace))) }
    const manifest = { object: await objects.get(`${item.file}#${item.document}`), source: { file: item.file, document: item.document }, position: () => ({ line: 1, column: 1 }) }
    const oldObject = item.previous_version === undefined ? undefined : await objects.get(item.previous_version)
    const verdict = checkInput(manifestInput(manifest, options, item.operation, oldObject), policy, undefined)
    outcomes.push({ folder, id: item.id, expected: item.verdict, actual: verdict.decision.allowed ? 'allow' : 'deny', violations: verdict.decision.violations })
  }
  return outcomes
}

/**
 * Loads a conformance policy directory with every rule it does not configure switched off, so
 * that the verdict is that of the rules expressing the peer's rule and nothing else. Exemptions
 * and everything else are as the directory says. Undefined when the directory does not exist.
 */
async function loadConformancePolicy (dir: string): Promise<CompiledPolicy | undefined> {
  if (!existsSync(dir)) return undefined
  const documents: SourceDocument[] = []
  for (const file of (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort()) {
    const parsed = parseSource(join(dir, file), await readFile(join(dir, file), 'utf8'))
    if (parsed.problems.length > 0) throw new Error(parsed.problems.map((problem) => `${problem.file}:${problem.line}: ${problem.message}`).join('\n'))
    documents.push(...parsed.documents)
  }
  const configured = new Set(documents.flatMap((document) => Object.keys((document.value as { spec?: { rules?: object } }).spec?.rules ?? {})))
  const off = Object.fromEntries(RULES.filter((rule) => !configured.has(rule.id)).map((rule) => [rule.id, { action: 'off' }]))
  const rest = JSON.stringify({ apiVersion: POLICY_API_VERSION, kind: POLICY_KIND, metadata: { name: 'conformance-rest' }, spec: { rules: off } })
  return compilePolicy([...documents, ...parseSource('(rules not configured: off)', rest).documents])
}

/** Objects of a corpus folder by `file#document` (document: zero-based among non-empty documents). */
class ObjectStore {
  private readonly dir: string
  private readonly files = new Map<string, KubeObject[]>()

  constructor (dir: string) {
    this.dir = dir
  }

  async get (ref: string): Promise<KubeObject> {
    const hash = ref.lastIndexOf('#')
    const file = ref.slice(0, hash)
    let objects = this.files.get(file)
    if (objects === undefined) {
      const { manifests, problems } = parseManifests(file, await readFile(join(this.dir, file), 'utf8'))
      if (problems.length > 0) throw new Error(`${file}: ${problems.map((problem) => problem.message).join('; ')}`)
      objects = manifests.map((manifest) => manifest.object)
      this.files.set(file, objects)
    }
    const object = objects[Number(ref.slice(hash + 1))]
    if (object === undefined) throw new Error(`${this.dir}: no object ${ref}`)
    return object
  }
}

/** One line per disagreement, then `conformance: P/T agree (S not covered)`. */
export function formatConformance (result: ConformanceResult, verbose = false): string {
  const lines: string[] = []
  for (const outcome of result.outcomes) {
    const rules = [...new Set(outcome.violations.map((violation) => `${violation.ruleId}:${violation.action}`))].join(', ')
    if (outcome.actual !== undefined && outcome.actual !== outcome.expected) {
      lines.push(`DISAGREE ${outcome.folder} ${outcome.id}: peer ${outcome.expected}, netguard ${outcome.actual}${rules === '' ? '' : ` (${rules})`}`)
    } else if (verbose) {
      lines.push(outcome.actual === undefined
        ? `skip     ${outcome.folder} ${outcome.id}: ${outcome.reason ?? ''}`
        : `agree    ${outcome.folder} ${outcome.id}: ${outcome.actual}${rules === '' ? '' : ` (${rules})`}`)
    }
  }
  lines.push(`conformance: ${result.agree}/${result.covered} agree (${result.notCovered} not covered)`)
  return `${lines.join('\n')}\n`
}
