import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import type { CompiledPolicy } from '../engine/policy.ts'
import type { Mode } from '../engine/types.ts'
import { kindKey, type KubeObject } from '../kube/types.ts'
import { reportAssets } from '../report/assets.ts'
import { withComparison } from '../report/compare.ts'
import { readPostureDocument, renderPostureHtml } from '../report/html.ts'
import { buildPosture, type PostureDocument, type PostureInput } from '../report/posture.ts'
import type { AuditedObject, AuditSummary } from './audit-report.ts'
import { EXIT, type CliIO } from './io.ts'
import type { CheckedObject } from './report.ts'

// `--output html` of check and audit: the options both take, and the one call each makes.

export const POSTURE_OPTIONS = {
  compare: { type: 'string' },
  'output-file': { type: 'string' },
  'docs-url': { type: 'string' },
  title: { type: 'string' }
} as const

export const POSTURE_USAGE = `      --compare FILE      html: a previous report (its HTML, or the JSON inside it) to show what got better and worse
      --docs-url URL      html: base URL of netguard's docs/rules/ for the rule links (default: the project's on GitHub)
      --title TEXT        html: what the report is about, e.g. the cluster's name (default: what was reviewed)
      --output-file FILE  html: write the report to FILE (replaced whole, never half-written) instead of standard output`

/** What the posture flags ask for, checked before any work: the previous report is read first. */
export interface PostureFlags {
  readonly previous?: PostureDocument
  readonly docsUrl?: string
  readonly title?: string
  readonly outputFile?: string
}

/** Reads and checks --compare and --docs-url; a string is the usage error to report. */
export async function postureFlags (values: { readonly compare?: string, readonly 'docs-url'?: string, readonly title?: string, readonly 'output-file'?: string }, output: string): Promise<PostureFlags | string> {
  const { compare, 'docs-url': docsUrl, title, 'output-file': outputFile } = values
  if (output !== 'html' && [compare, docsUrl, title, outputFile].some((value) => value !== undefined)) return '--compare, --docs-url, --title and --output-file go with --output html'
  if (docsUrl !== undefined && !/^https?:\/\/\S+$/i.test(docsUrl)) return `--docs-url must be an http(s) URL, got "${docsUrl}"`
  const flags = { ...(docsUrl === undefined ? {} : { docsUrl }), ...(title === undefined ? {} : { title }), ...(outputFile === undefined ? {} : { outputFile }) }
  if (compare === undefined) return flags
  let text: string
  try {
    text = await readFile(compare, 'utf8')
  } catch (error) {
    return `--compare ${compare}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`
  }
  try {
    return { ...flags, previous: readPostureDocument(text) }
  } catch (error) {
    return `--compare ${compare}: ${(error as Error).message}`
  }
}

/**
 * `netguard audit --output html`: judged as enforce mode would; objects audit reports exempt have
 * no findings; the admin-only detail stays (the platform team reads this report).
 */
export function auditPostureHtml (audited: readonly AuditedObject[], summary: AuditSummary, run: { readonly source: string, readonly now: Date, readonly policy: CompiledPolicy }, flags: PostureFlags): string {
  const notes = summary.kinds.filter((kind) => kind.state !== 'listed')
    .map((kind) => `${kindKey(kind)}: ${kind.state === 'not-served' ? 'not served by this cluster' : 'not audited (no API resource known to netguard)'}`)
  return postureHtml({
    front: 'audit',
    source: `cluster (${run.source})`,
    generatedAt: run.now,
    policy: run.policy,
    mode: 'enforce',
    reviewed: audited.map(({ object, review, verdict }) => ({ object, review, exempt: verdict === 'exempt' })),
    notes,
    adminDetail: true
  }, flags)
}

/**
 * `netguard check --output html`: isolation is judged from the manifests and --cluster-state
 * (`known`); no admin-only detail, as a tenant may publish the report.
 */
export function checkPostureHtml (results: readonly CheckedObject[], run: { readonly files: readonly string[], readonly now: Date, readonly policy: CompiledPolicy, readonly mode: Mode, readonly known?: readonly KubeObject[] | undefined }, flags: PostureFlags): string {
  return postureHtml({
    front: 'check',
    source: `manifests ${run.files.join(', ')}`,
    generatedAt: run.now,
    policy: run.policy,
    mode: run.mode,
    reviewed: results,
    ...(run.known === undefined ? {} : { known: run.known }),
    adminDetail: false
  }, flags)
}

/**
 * Writes the report to --output-file, else to standard output. The file is written beside its
 * final name and renamed into place, so a reader (a web server, a ConfigMap sync) never sees half
 * a report. A failure is reported on stderr and is exit status 2.
 */
export async function writePosture (io: CliIO, command: string, html: string, { outputFile }: PostureFlags): Promise<number | undefined> {
  if (outputFile === undefined) {
    io.stdout.write(html)
    return undefined
  }
  const partial = `${outputFile}.partial-${process.pid}`
  try {
    await writeFile(partial, html)
    await rename(partial, outputFile)
    return undefined
  } catch (error) {
    await rm(partial, { force: true })
    io.stderr.write(`netguard ${command}: --output-file ${outputFile}: cannot write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})\n`)
    return EXIT.usage
  }
}

/** The HTML report of one run; --title, when given, names what was reviewed. */
function postureHtml (input: Omit<PostureInput, 'docsUrl'>, { title, previous, docsUrl }: PostureFlags): string {
  const document = buildPosture({ ...input, ...(docsUrl === undefined ? {} : { docsUrl }), source: title ?? input.source })
  return renderPostureHtml(withComparison(document, previous), reportAssets())
}
