import { parseArgs } from 'node:util'
import { decodeReview } from '../admission/review.ts'
import { staticClusterView } from '../cluster/static-view.ts'
import { buildConfig, POLICY_OPTIONS, type Config } from '../config.ts'
import type { CompiledPolicy } from '../engine/policy.ts'
import { reviewAdmission, reviewedKinds } from '../engine/review.ts'
import { subjectOf, withNamespace } from '../engine/subject.ts'
import type { ClusterView, Mode, Operation, Subject, UserInfo } from '../engine/types.ts'
import { kindOf } from '../kube/kinds.ts'
import { kindKey, type KubeObject } from '../kube/types.ts'
import { loadPolicyDir } from '../policy/load.ts'
import { EXIT_OPTIONS, exitUsage, exitCodeFor, exitPolicy } from './exit-policy.ts'
import { isReportFormat, REPORT_FORMATS } from './formats/index.ts'
import { EXIT, readAll, type CliIO } from './io.ts'
import { formatManifestProblem, readManifests, type FileCache, type Manifest, type ManifestProblem, type ManifestSet, type Position, type SkippedInput } from './manifests.ts'
import type { CheckedObject, Verdict } from './report.ts'
import { unknownFieldResult } from './schema-check.ts'
import { checkPostureHtml, POSTURE_OPTIONS, POSTURE_USAGE, postureFlags, writePosture } from './posture-output.ts'
import { packageVersion } from './version.ts'

const USAGE = `usage: netguard check -f FILE|DIR|- [-f ...] [options]

Evaluates every object in the manifests through the same rules as the webhook: as a CREATE, or,
with --old, as the UPDATE or DELETE that turns the old manifests into the new ones. AdmissionReview
files are reviewed as the requests they hold. Documents that are not Kubernetes objects (Helm
values, a Kustomization, a template) are skipped and listed.
Exit status: 0 nothing would be denied, 1 something would be denied (see --fail-on), 2 unreadable
input or policy.

options:
  -f, --filename PATH       YAML or JSON manifests: a file, a directory (recursively) or - for stdin
      --old PATH            the previous version of the manifests (file, directory or -; repeatable):
                            an object in both is an UPDATE, one only here a DELETE
      --policies DIR        policy directory (default: the bundled policies/)
      --mode MODE           enforce or audit (default: NETGUARD_MODE, else the policy's spec.mode)
  -o, --output FORMAT       ${Object.keys(REPORT_FORMATS).join(', ')} or html (a self-contained posture report) (default: text)
  -q, --quiet               text output: leave out objects with nothing to report
  -n, --namespace NS        namespace of objects that name none (default: default)
      --user NAME           user the requests are made as (default: netguard-check)
      --group NAME          a group of that user (repeatable; system:authenticated is always one)
      --cluster-state PATH  objects that already exist in the cluster (file, directory or -; repeatable)
      --show-detail         show admin-only details (which object elsewhere holds a host or range)
${exitUsage(28)}
${POSTURE_USAGE}
  -h, --help                show this help`

/** How each manifest is reviewed: who asks, where, against what, in which mode. */
export interface CheckOptions {
  /** Namespace of namespaced objects that name none (what `kubectl apply` would use). */
  readonly namespace: string
  readonly user: UserInfo
  /** Overrides the policy's `spec.mode`. */
  readonly mode?: Mode
  /** Known cluster state; undefined when none was given (rules that need it say so). */
  readonly cluster?: ClusterView
  readonly now: Date
}

/** The user `netguard check` reviews as when --user is not given: a tenant, exempt from nothing. */
export const DEFAULT_CHECK_USER = 'netguard-check'
const AUTHENTICATED = 'system:authenticated'
const REVIEW_API_GROUP = 'admission.k8s.io'

/** What a review is of: where it was read, how to find a field there, what to check the schema of. */
export interface ReviewedInput {
  readonly subject: Subject
  readonly source: Manifest['source']
  readonly position: (steps: readonly (string | number)[]) => Position
  /** The manifest as written, for the schema check; undefined for a request or a deletion. */
  readonly manifest?: KubeObject
}

/**
 * Reviews one subject as the API server would have the webhooks review it (reviewAdmission: the
 * mutating rules first, then validation of the patched object) and adds the manifest's own schema
 * check. Every output is built from the per-rule results this returns. Pure given its arguments.
 */
export function checkInput (input: ReviewedInput, policy: CompiledPolicy, mode: Mode | undefined): CheckedObject {
  const { subject } = input
  const review = reviewAdmission(subject, policy, mode ?? policy.mode)
  const schema = input.manifest === undefined ? undefined : unknownFieldResult(input.manifest)
  const rules = [...schema === undefined ? [] : [schema], ...review.rules]
  const object = review.object ?? subject.oldObject ?? {}
  const metadata = object.metadata ?? {}
  const { decision } = review
  const looked = review.rules.some((result) => result.status !== 'skip')
  const verdict: Verdict = !decision.allowed
    ? 'deny'
    : decision.warnings.length > 0 || schema?.status === 'warn' ? 'warn' : looked ? 'allow' : 'skip'
  return {
    kind: subject.kind.kind,
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
    namespace: subject.kind.kind === 'Namespace' && subject.kind.group === '' ? undefined : subject.namespace,
    name: metadata.name ?? subject.name ?? (metadata.generateName === undefined ? '(unnamed)' : `${metadata.generateName}*`),
    operation: subject.operation,
    verdict,
    ...(verdict === 'skip' ? { skipReason: skipReason(subject, review.rules, policy) } : {}),
    decision,
    rules,
    object: subject.object ?? subject.oldObject ?? {},
    review,
    source: input.source,
    position: input.position
  }
}

/** Why no rule looked at a subject. */
function skipReason (subject: Subject, rules: CheckedObject['rules'], policy: CompiledPolicy): string {
  if (subject.subResource !== undefined) return `a request on the ${subject.subResource} subresource, which no rule reviews`
  const exempt = rules.find((result) => result.exemptBy !== undefined)
  if (exempt?.exemptBy === 'managed') return 'netguard\'s own default isolation, exactly as netguard writes it'
  if (exempt?.exemptBy !== undefined) return `exempt by ${exempt.exemptBy}`
  const exceptions = [...new Set(rules.flatMap((result) => result.exception ?? []))]
  if (exceptions.length > 0) return `waived by exception ${exceptions.join(', ')}`
  const kind = subject.kind
  const read = reviewedKinds(policy).some((known) => kindKey(known) === kindKey(kind))
  return read ? `no rule reviews a ${subject.operation} of ${kind.kind}` : `no rule reads ${kind.kind}`
}

/**
 * The reviews a set of manifests asks for: each object as a CREATE, or as an UPDATE of the old
 * object with the same kind, namespace and name; each old object without a new one as a DELETE;
 * each AdmissionReview as the request it holds. Reviews that do not decode are problems.
 */
function reviewInputs (manifests: readonly Manifest[], old: readonly Manifest[], options: CheckOptions): { inputs: ReviewedInput[], problems: ManifestProblem[] } {
  const identity = (object: KubeObject): string | undefined => {
    const placed = withNamespace(object, options.namespace)
    const name = placed.metadata?.name
    return name === undefined ? undefined : `${kindKey(kindOf(placed))}/${placed.metadata?.namespace ?? ''}/${name}`
  }
  const previous = new Map<string, Manifest>()
  for (const manifest of old) {
    const key = identity(manifest.object)
    if (key !== undefined && !previous.has(key)) previous.set(key, manifest)
  }
  const kept = new Set<string>()
  const inputs: ReviewedInput[] = []
  const problems: ManifestProblem[] = []
  for (const manifest of manifests) {
    if (isAdmissionReview(manifest.object)) {
      const reviewed = requestInput(manifest, options)
      if ('message' in reviewed) problems.push(reviewed)
      else inputs.push(reviewed)
      continue
    }
    const key = identity(manifest.object)
    const before = key === undefined ? undefined : previous.get(key)
    if (key !== undefined && before !== undefined) kept.add(key)
    inputs.push(manifestInput(manifest, options, before === undefined ? 'CREATE' : 'UPDATE', before?.object))
  }
  for (const [key, manifest] of previous) if (!kept.has(key)) inputs.push(manifestInput(manifest, options, 'DELETE'))
  return { inputs, problems }
}

/**
 * A manifest as a request: a CREATE of it, an UPDATE of `oldObject` to it, or its DELETE (the
 * manifest is then the object being deleted). Its schema is checked unless it is being deleted.
 */
export function manifestInput (manifest: Manifest, options: CheckOptions, operation: Operation, oldObject?: KubeObject): ReviewedInput {
  const request = { user: options.user, now: options.now, namespace: options.namespace, ...options.cluster === undefined ? {} : { cluster: options.cluster } }
  const { object, source, position } = manifest
  if (operation === 'DELETE') return { subject: { ...subjectOf(object, { ...request, operation, oldObject: object }), object: undefined }, source, position }
  return { subject: subjectOf(object, { ...request, operation, ...oldObject === undefined ? {} : { oldObject } }), source, position, manifest: object }
}

/** An AdmissionReview as the request it holds (operation, objects, user, namespace), or why it cannot be read. */
export function requestInput (manifest: Manifest, options: Pick<CheckOptions, 'now' | 'cluster'>): ReviewedInput | ManifestProblem {
  const { object, source, position } = manifest
  try {
    const { subject } = decodeReview(object, options.now, options.cluster)
    const field = subject.object === undefined ? 'oldObject' : 'object'
    return { subject, source, position: (steps) => position(['request', field, ...steps]) }
  } catch (error) {
    return { file: source.file, document: source.document, ...source.line === undefined ? {} : { line: source.line }, message: `AdmissionReview: ${(error as Error).message}` }
  }
}

export function isAdmissionReview (object: KubeObject): boolean {
  return object.kind === 'AdmissionReview' && typeof object.apiVersion === 'string' && object.apiVersion.startsWith(`${REVIEW_API_GROUP}/`)
}

/** Objects that stand for the cluster (state, old versions): requests are not, and are skipped. */
function clusterObjects (set: ManifestSet, role: string): { manifests: Manifest[], skipped: SkippedInput[] } {
  const requests = set.manifests.filter((manifest) => isAdmissionReview(manifest.object))
  return {
    manifests: set.manifests.filter((manifest) => !isAdmissionReview(manifest.object)),
    skipped: [...set.skipped, ...requests.map(({ source }) => ({ ...source, reason: `an AdmissionReview is a request, not ${role}` }))]
  }
}

export async function checkCommand (args: readonly string[], io: CliIO): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        ...POLICY_OPTIONS,
        ...EXIT_OPTIONS,
        ...POSTURE_OPTIONS,
        filename: { type: 'string', short: 'f', multiple: true },
        old: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o', default: 'text' },
        quiet: { type: 'boolean', short: 'q', default: false },
        namespace: { type: 'string', short: 'n', default: 'default' },
        user: { type: 'string', default: DEFAULT_CHECK_USER },
        group: { type: 'string', multiple: true, default: [] },
        'cluster-state': { type: 'string', multiple: true },
        'show-detail': { type: 'boolean', default: false }
      }
    }).values
  } catch (error) {
    return usageError(io, (error as Error).message)
  }
  if (parsed.help === true) {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  const files = parsed.filename ?? []
  if (files.length === 0) return usageError(io, 'no manifests given: use -f FILE|DIR|-')
  const output = parsed.output
  if (output !== 'html' && !isReportFormat(output)) return usageError(io, `--output must be one of ${[...Object.keys(REPORT_FORMATS), 'html'].join(', ')}, got "${output}"`)
  const exit = exitPolicy(parsed)
  if (typeof exit === 'object') return usageError(io, exit.problem)
  let config: Config
  try {
    // The same policy folder, mode (flag, else NETGUARD_MODE) and own namespace as serve and review.
    config = buildConfig({ policies: parsed.policies, mode: parsed.mode }, io.env)
  } catch (error) {
    return usageError(io, (error as Error).message)
  }
  const mode = config.mode
  const posture = await postureFlags(parsed, output)
  if (typeof posture === 'string') return usageError(io, posture)
  const stateFiles = parsed['cluster-state']
  const oldFiles = parsed.old
  if ([...files, ...stateFiles ?? [], ...oldFiles ?? []].filter((path) => path === '-').length > 1) return usageError(io, 'standard input (-) can be read only once')

  let policy: CompiledPolicy
  try {
    policy = await loadPolicyDir(config.policiesDir, { ownNamespace: config.ownNamespace })
  } catch (error) {
    io.stderr.write(`netguard check: ${(error as Error).message}\n`)
    return EXIT.usage
  }

  const readStdin = async (): Promise<string> => await readAll(io.stdin)
  const cache: FileCache = new Map()
  const input = await readManifests(files, readStdin, cache)
  const stateSet = stateFiles === undefined ? undefined : await readManifests(stateFiles, readStdin, cache)
  const state = stateSet === undefined ? undefined : clusterObjects(stateSet, 'an object in the cluster')
  const oldSet = oldFiles === undefined ? undefined : await readManifests(oldFiles, readStdin, cache)
  const old = oldSet === undefined ? undefined : clusterObjects(oldSet, 'a previous version')
  const namespace = parsed.namespace
  const now = new Date()
  const options: CheckOptions = {
    namespace,
    user: { username: parsed.user, groups: [AUTHENTICATED, ...parsed.group.filter((group) => group !== AUTHENTICATED)] },
    now,
    ...(mode === undefined ? {} : { mode }),
    ...(state === undefined ? {} : { cluster: staticClusterView(state.manifests.map(({ object }) => withNamespace(object, namespace))) })
  }
  const { inputs, problems: requestProblems } = reviewInputs(input.manifests, old?.manifests ?? [], options)
  const problems = [...input.problems, ...stateSet?.problems ?? [], ...oldSet?.problems ?? [], ...requestProblems]
  if (problems.length === 0 && inputs.length === 0) {
    const skipped = input.skipped.length === 0 ? '' : ` (${input.skipped.length} document${input.skipped.length === 1 ? '' : 's'} skipped: not Kubernetes objects)`
    problems.push({ file: files.join(', '), message: `no Kubernetes objects found${skipped}` })
  }
  if (problems.length > 0) {
    // A file given both as manifests and as cluster state is reported once.
    const lines = new Set(problems.map((problem) => `netguard check: ${formatManifestProblem(problem)}\n`))
    io.stderr.write([...lines].join(''))
    return EXIT.usage
  }

  const objects = inputs.map((reviewed) => checkInput(reviewed, policy, mode))
  const skipped = uniqueSkipped([...input.skipped, ...old?.skipped ?? [], ...state?.skipped ?? []])
  const report = { mode: mode ?? policy.mode, objects, skipped, version: packageVersion(), showDetail: parsed['show-detail'] }
  if (output === 'html') {
    const known = state?.manifests.map(({ object }) => withNamespace(object, namespace))
    const failed = await writePosture(io, 'check', checkPostureHtml(objects, { files, now, policy, mode: report.mode, known }, posture), posture)
    if (failed !== undefined) return failed
  } else io.stdout.write(REPORT_FORMATS[output](report, { quiet: parsed.quiet }))
  return exitCodeFor(objects.map((object) => object.verdict), exit)
}

/** A file read as input and as cluster state is listed once. */
function uniqueSkipped (skipped: readonly SkippedInput[]): SkippedInput[] {
  const seen = new Set<string>()
  return skipped.filter((input) => {
    const key = `${input.file}#${input.document ?? ''}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function usageError (io: CliIO, message: string): number {
  io.stderr.write(`netguard check: ${message}\n\n${USAGE}\n`)
  return EXIT.usage
}
