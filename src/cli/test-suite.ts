import { readFile, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import Type, { type Static } from 'typebox'
import { RULES } from '../engine/rules/index.ts'
import { OPERATIONS } from '../engine/types.ts'
import type { KubeObject } from '../kube/types.ts'
import { readPolicyDocuments } from '../policy/load.ts'
import { formatProblem, parseSource, type SourceDocument } from '../policy/parse.ts'
import { POLICY_API_VERSION, POLICY_KIND } from '../policy/schema.ts'
import { schemaProblems } from '../policy/schema-problems.ts'
import { formatManifestProblem, readManifests, TEST_SUITE, type FileCache, type Manifest } from './manifests.ts'

// The test-suite file of `netguard test` (docs/check.md, "Test suites"): resources with the
// verdict and rules expected of each, after kyverno's kyverno-test.yaml and gator's suite.yaml.

export const SUITE_FILE_NAME = 'netguard-test.yaml'

const InlineObject = Type.Object({ apiVersion: Type.String({ minLength: 1 }), kind: Type.String({ minLength: 1 }) }, { additionalProperties: true })
/** A file (every object in it), `file#N` (its N-th object, from 1), or an object written inline. */
const Ref = Type.Union([Type.String({ minLength: 1 }), InlineObject])
const User = Type.Object({ username: Type.String({ minLength: 1 }), groups: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false })
const Verdict = Type.Enum(['deny', 'warn', 'allow', 'skip'])
const RuleId = Type.Enum([...RULES.map((rule) => rule.id), 'SCHEMA-UNKNOWN-FIELD'])

const CaseSchema = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1 })),
  resource: Ref,
  operation: Type.Optional(Type.Enum(OPERATIONS.filter((operation) => operation !== 'CONNECT'))),
  oldResource: Type.Optional(Ref),
  namespace: Type.Optional(Type.String({ minLength: 1 })),
  user: Type.Optional(User),
  clusterState: Type.Optional(Type.Array(Ref)),
  policies: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
  skip: Type.Optional(Type.String({ minLength: 1, description: 'why the case is not run' })),
  expect: Type.Object({
    verdict: Type.Optional(Verdict),
    allowed: Type.Optional(Type.Boolean({ description: 'what the API server is told, whatever the warnings' })),
    rules: Type.Optional(Type.Array(RuleId))
  }, { additionalProperties: false, minProperties: 1 })
}, { additionalProperties: false })

const SuiteSchema = Type.Object({
  apiVersion: Type.Literal(TEST_SUITE.apiVersion),
  kind: Type.Literal(TEST_SUITE.kind),
  metadata: Type.Optional(Type.Object({ name: Type.Optional(Type.String()) }, { additionalProperties: true })),
  policies: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
  rules: Type.Optional(Type.Record(Type.String(), Type.Object({}, { additionalProperties: true }))),
  otherRules: Type.Optional(Type.Enum(['default', 'off'], { description: 'off: rules the policies and `rules` do not configure are switched off' })),
  mode: Type.Optional(Type.Enum(['enforce', 'audit'])),
  namespace: Type.Optional(Type.String({ minLength: 1 })),
  user: Type.Optional(User),
  now: Type.Optional(Type.String({ format: 'date-time' })),
  clusterState: Type.Optional(Type.Array(Ref)),
  cases: Type.Array(CaseSchema, { minItems: 1 })
}, { additionalProperties: false })

export type Suite = Static<typeof SuiteSchema>
export type SuiteCase = Static<typeof CaseSchema>
export type SuiteRef = Static<typeof Ref>

/** A suite file, checked against the schema; throws naming the file, line and field of every problem. */
export async function readSuite (file: string): Promise<{ suite: Suite, document: SourceDocument }> {
  const parsed = parseSource(file, await readFile(file, 'utf8'))
  const [document, ...more] = parsed.documents
  const problems = [...parsed.problems]
  if (document === undefined) problems.push({ file, line: 1, field: '', message: 'no test suite in the file' })
  else problems.push(...schemaProblems(SuiteSchema, document))
  if (more.length > 0) problems.push({ file, line: more[0]?.lineOf([]) ?? 1, field: '', message: 'one test suite per file' })
  if (problems.length > 0 || document === undefined) throw new SuiteError(problems.map(formatProblem).join('\n'))
  return { suite: document.value as Suite, document }
}

export class SuiteError extends Error {}

/** Reads the objects a reference names, relative to the suite's folder; inline objects are placed in the suite file. */
export async function resolveRef (ref: SuiteRef, suite: SourceDocument, field: readonly (string | number)[], cache: FileCache): Promise<Manifest[]> {
  if (typeof ref !== 'string') {
    const line = suite.lineOf(field)
    return [{ object: ref as KubeObject, source: { file: suite.file, document: suite.index + 1, line }, position: (steps) => ({ line: suite.lineOf([...field, ...steps]), column: 1 }) }]
  }
  const hash = /^(.*)#(\d+)$/.exec(ref)
  const path = resolve(dirname(suite.file), hash?.[1] ?? ref)
  const set = await readManifests([path], async () => '', cache)
  const where = `${suite.file}:${suite.lineOf(field)}`
  if (set.problems.length > 0) throw new SuiteError(`${where}: ${ref}: ${set.problems.map(formatManifestProblem).join('; ')}`)
  if (hash?.[2] === undefined) {
    if (set.manifests.length === 0) throw new SuiteError(`${where}: ${ref} holds no Kubernetes object`)
    return set.manifests
  }
  const chosen = set.manifests[Number(hash[2]) - 1]
  if (chosen === undefined) throw new SuiteError(`${where}: ${ref}: the file holds ${set.manifests.length} object${set.manifests.length === 1 ? '' : 's'} (counted from 1)`)
  return [chosen]
}

/**
 * The policy documents a suite (or one of its cases) runs with: the files and folders named, else
 * the default folder; then the suite's rule overrides, each replacing that rule's settings; with
 * `otherRules: off`, every rule left unconfigured is switched off.
 */
export async function suitePolicyDocuments (suite: Suite, document: SourceDocument, paths: readonly string[] | undefined, defaultDir: string): Promise<SourceDocument[]> {
  const documents: SourceDocument[] = []
  for (const path of paths === undefined ? [defaultDir] : paths.map((entry) => resolve(dirname(document.file), entry))) {
    if ((await stat(path).catch(() => undefined))?.isFile() === true) {
      const parsed = parseSource(path, await readFile(path, 'utf8'))
      if (parsed.problems.length > 0) throw new SuiteError(parsed.problems.map(formatProblem).join('\n'))
      documents.push(...parsed.documents)
    } else {
      documents.push(...await readPolicyDocuments(path))
    }
  }
  const overrides = suite.rules ?? {}
  const overridden = documents.map((source) => withoutRules(source, Object.keys(overrides)))
  if (Object.keys(overrides).length > 0) {
    overridden.push({
      file: document.file,
      index: document.index,
      value: { apiVersion: POLICY_API_VERSION, kind: POLICY_KIND, metadata: { name: 'test suite rules' }, spec: { rules: overrides } },
      // ['spec', 'rules', id, ...] in the policy is ['rules', id, ...] in the suite.
      lineOf: (path) => document.lineOf(['rules', ...path.slice(2)])
    })
  }
  if (suite.otherRules === 'off') {
    const configured = new Set(overridden.flatMap((source) => Object.keys(rulesOf(source.value))))
    const off = Object.fromEntries(RULES.filter((rule) => !configured.has(rule.id)).map((rule) => [rule.id, { action: 'off' }]))
    overridden.push({
      file: document.file,
      index: document.index,
      value: { apiVersion: POLICY_API_VERSION, kind: POLICY_KIND, metadata: { name: 'rules the suite does not configure' }, spec: { rules: off } },
      lineOf: () => document.lineOf(['otherRules'])
    })
  }
  return overridden
}

function rulesOf (value: unknown): Record<string, unknown> {
  return (value as { spec?: { rules?: Record<string, unknown> } } | null)?.spec?.rules ?? {}
}

/** The document without the settings of the given rules (the suite overrides them). */
function withoutRules (source: SourceDocument, ids: readonly string[]): SourceDocument {
  const rules = rulesOf(source.value)
  if (!ids.some((id) => id in rules)) return source
  const value = source.value as { spec: Record<string, unknown> }
  const kept = Object.fromEntries(Object.entries(rules).filter(([id]) => !ids.includes(id)))
  return { ...source, value: { ...value, spec: { ...value.spec, rules: kept } } }
}
