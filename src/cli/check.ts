import { parseArgs } from 'node:util'
import { staticClusterView } from '../cluster/static-view.ts'
import { buildConfig, POLICY_OPTIONS, type Config } from '../config.ts'
import type { CompiledPolicy } from '../engine/policy.ts'
import { reviewAdmission } from '../engine/review.ts'
import { subjectOf, withNamespace } from '../engine/subject.ts'
import type { ClusterView, Mode, Operation, UserInfo } from '../engine/types.ts'
import type { KubeObject } from '../kube/types.ts'
import { loadPolicyDir } from '../policy/load.ts'
import { EXIT, type CliIO } from './io.ts'
import { checkPostureHtml, POSTURE_OPTIONS, POSTURE_USAGE, postureFlags, writePosture } from './posture-output.ts'
import { formatManifestProblem, readManifests, type FileCache, type Manifest } from './manifests.ts'
import { REPORT_FORMATS, renderReport, type CheckedManifest, type ObjectVerdict, type ReportFormat } from './report.ts'

const USAGE = `usage: netguard check -f FILE|DIR|- [-f ...] [options]

Evaluates every object in the manifests as a CREATE, through the same rules as the webhook.
Exit status: 0 nothing would be denied, 1 something would be denied, 2 unreadable input or policy.

options:
  -f, --filename PATH       YAML or JSON manifests: a file, a directory (recursively) or - for stdin
      --policies DIR        policy directory (default: the bundled policies/)
      --mode MODE           enforce or audit (default: NETGUARD_MODE, else the policy's spec.mode)
  -o, --output FORMAT       text, json, junit or html (a self-contained posture report) (default: text)
  -q, --quiet               text output: leave out objects that pass without findings
  -n, --namespace NS        namespace of objects that name none (default: default)
      --user NAME           user the requests are made as (default: netguard-check)
      --group NAME          a group of that user (repeatable; system:authenticated is always one)
      --cluster-state PATH  objects that already exist in the cluster (file, directory or -; repeatable)
${POSTURE_USAGE}
  -h, --help                show this help`

/** How each object is reviewed: who asks, where, against what, in which mode. */
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

export interface ReviewOptions extends CheckOptions {
  /** @default 'CREATE' */
  readonly operation?: Operation
  /** The object being replaced, for an UPDATE. */
  readonly oldObject?: KubeObject
}

/** The user `netguard check` reviews as when --user is not given: a tenant, exempt from nothing. */
export const DEFAULT_CHECK_USER = 'netguard-check'
const AUTHENTICATED = 'system:authenticated'

/**
 * Reviews one object as the API server would have the webhooks review it (reviewAdmission: the
 * mutating rules first, then validation of the patched object). Pure given its arguments.
 */
export function reviewObject (input: KubeObject, policy: CompiledPolicy, options: ReviewOptions): ObjectVerdict {
  const subject = subjectOf(input, options)
  const review = reviewAdmission(subject, policy, options.mode ?? policy.mode)
  const { decision } = review
  const object = subject.object ?? input
  const metadata = object.metadata ?? {}
  return {
    kind: subject.kind.kind,
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
    namespace: metadata.namespace,
    name: metadata.name ?? (metadata.generateName === undefined ? '(unnamed)' : `${metadata.generateName}*`),
    verdict: !decision.allowed ? 'deny' : decision.warnings.length > 0 ? 'warn' : 'allow',
    decision,
    object,
    review
  }
}

/** Reviews every manifest with one compiled policy. */
export function checkManifests (manifests: readonly Manifest[], policy: CompiledPolicy, options: CheckOptions): CheckedManifest[] {
  return manifests.map(({ object, source }) => ({ ...reviewObject(object, policy, options), source }))
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
        ...POSTURE_OPTIONS,
        filename: { type: 'string', short: 'f', multiple: true },
        output: { type: 'string', short: 'o', default: 'text' },
        quiet: { type: 'boolean', short: 'q', default: false },
        namespace: { type: 'string', short: 'n', default: 'default' },
        user: { type: 'string', default: DEFAULT_CHECK_USER },
        group: { type: 'string', multiple: true, default: [] },
        'cluster-state': { type: 'string', multiple: true }
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
  const output = parsed.output as ReportFormat | 'html'
  if (output !== 'html' && !REPORT_FORMATS.includes(output)) return usageError(io, `--output must be one of ${[...REPORT_FORMATS, 'html'].join(', ')}, got "${parsed.output}"`)
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
  if ([...files, ...stateFiles ?? []].filter((path) => path === '-').length > 1) return usageError(io, 'standard input (-) can be read only once')

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
  const state = stateFiles === undefined ? undefined : await readManifests(stateFiles, readStdin, cache)
  const problems = [...input.problems, ...state?.problems ?? []]
  if (problems.length === 0 && input.manifests.length === 0) {
    problems.push({ file: files.join(', '), message: 'no Kubernetes objects found' })
  }
  if (problems.length > 0) {
    // A file given both as manifests and as cluster state is reported once.
    const lines = new Set(problems.map((problem) => `netguard check: ${formatManifestProblem(problem)}\n`))
    io.stderr.write([...lines].join(''))
    return EXIT.usage
  }

  const namespace = parsed.namespace
  const now = new Date()
  const results = checkManifests(input.manifests, policy, {
    namespace,
    user: { username: parsed.user, groups: [AUTHENTICATED, ...parsed.group.filter((group) => group !== AUTHENTICATED)] },
    now,
    ...(mode === undefined ? {} : { mode }),
    ...(state === undefined ? {} : { cluster: staticClusterView(state.manifests.map(({ object }) => withNamespace(object, namespace))) })
  })
  if (output === 'html') {
    const html = checkPostureHtml(results, { files, now, policy, mode: mode ?? policy.mode, known: state?.manifests.map(({ object }) => withNamespace(object, namespace)) }, posture)
    const failed = await writePosture(io, 'check', html, posture)
    if (failed !== undefined) return failed
  } else io.stdout.write(renderReport(output, results, mode ?? policy.mode, { quiet: parsed.quiet }))
  return results.some((result) => result.verdict === 'deny') ? EXIT.violations : EXIT.ok
}

function usageError (io: CliIO, message: string): number {
  io.stderr.write(`netguard check: ${message}\n\n${USAGE}\n`)
  return EXIT.usage
}

async function readAll (stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}
