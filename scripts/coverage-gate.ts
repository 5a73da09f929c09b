// The coverage gate `npm test` ends with. tap 21 knows one figure for the whole run (100%, or
// anything with allow-incomplete-coverage), so .taprc allows incomplete coverage and has tap
// write a per-file summary; this holds each part of src/ to its floor and fails the run below it.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

export const SUMMARY_FILE = '.tap/report/coverage-summary.json'

export interface Floor {
  /** A folder (ending in /) or a file under src/. */
  readonly part: string
  /** Percent of lines and of branches the part's files cover together, at least. */
  readonly lines: number
  readonly branches: number
  /** Every source file of the part must be loaded by some test (an unloaded file counts nowhere). */
  readonly everyFile?: boolean
}

/**
 * The floors: what the suite covered when the gate came in (one full run, rounded down), so no
 * part can fall. The pure core (engine/, policy/, mutation/) is meant to reach 100% of lines and
 * branches; it is at 99.8% and 97.1% (engine), 98.0% and 89.6% (policy), 100% and 80% (mutation):
 * about 90 branches, most of them `??` fallbacks for malformed input spread over 35 rule and
 * policy files that are changing under other work. Raise a floor when tests close a gap; the
 * gate refuses any change that lowers one. Parts with code on timers and retries (cluster/,
 * reconciler/, tls/, kube/, admission/, the composition root) keep a point or two of slack for
 * paths a slow machine may take differently. Process-level paths (the SIGTERM drain and the log
 * flush before exit, the read-only image's development certificate, `serve` itself) run in child
 * processes, which write no coverage (tsx in a child garbles the suite's figures): their floors
 * are what the in-process tests reach. Lowered once, at the merge of issues 15 to 18: engine
 * branches 97.1 → 96.9 (the new rule families' `??` fallbacks for malformed input), server.ts
 * branches 94.8 → 92 and config.ts 100/97.8 → 99/96.9 (the metrics listener's and the bundled
 * build's start-up paths, which run in child processes: `serve`, the read-only image; and the
 * error for an install with no package.json above the bundle).
 */
export const FLOORS: readonly Floor[] = [
  { part: 'src/engine/', lines: 99.8, branches: 96.9, everyFile: true },
  { part: 'src/policy/', lines: 98, branches: 89.6, everyFile: true },
  { part: 'src/mutation/', lines: 100, branches: 80, everyFile: true },
  { part: 'src/admission/', lines: 99, branches: 95.7 },
  { part: 'src/cli/', lines: 96.5, branches: 89 },
  { part: 'src/cluster/', lines: 97.5, branches: 87 },
  { part: 'src/kube/', lines: 98, branches: 85 },
  { part: 'src/reconciler/', lines: 98.5, branches: 83 },
  { part: 'src/report/', lines: 99.5, branches: 80, everyFile: true },
  { part: 'src/tls/', lines: 99, branches: 93 },
  { part: 'src/cluster-services.ts', lines: 99, branches: 91 },
  { part: 'src/server.ts', lines: 90.8, branches: 92 },
  { part: 'src/config.ts', lines: 99, branches: 96.9 },
  { part: 'src/metrics.ts', lines: 100, branches: 100 },
  { part: 'src/tally.ts', lines: 100, branches: 100 },
  { part: 'src/log.ts', lines: 83.3, branches: 66 },
  { part: 'src/errors.ts', lines: 100, branches: 0 }
]

interface Counts { readonly total: number, readonly covered: number }
type Summary = Readonly<Record<string, { readonly lines: Counts, readonly branches: Counts }>>

/** What falls short: one line per part and measure below its floor, and per unloaded file. */
export function coverageProblems (summary: Summary, root: string, floors: readonly Floor[], sourceFiles: readonly string[]): string[] {
  const files = Object.entries(summary).filter(([file]) => file !== 'total').map(([file, counts]) => ({ file: relative(root, file), counts }))
  const problems: string[] = []
  for (const floor of floors) {
    const inPart = (file: string): boolean => floor.part.endsWith('/') ? file.startsWith(floor.part) : file === floor.part
    const measured = files.filter(({ file }) => inPart(file))
    for (const measure of ['lines', 'branches'] as const) {
      const total = measured.reduce((sum, { counts }) => sum + counts[measure].total, 0)
      const covered = measured.reduce((sum, { counts }) => sum + counts[measure].covered, 0)
      const percent = total === 0 ? 100 : 100 * covered / total
      if (percent < floor[measure]) problems.push(`${floor.part}: ${measure} ${percent.toFixed(2)}% is below its floor of ${floor[measure]}%`)
    }
    if (floor.everyFile === true) {
      const loaded = new Set(measured.map(({ file }) => file))
      for (const file of sourceFiles.filter((source) => inPart(source) && !loaded.has(source))) problems.push(`${file}: no test loads it`)
    }
  }
  return problems
}

/** Source files with code that runs: a file of types only compiles to nothing, so nothing measures it. */
function runtimeFilesUnder (dir: string, root: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = join(dir, entry.name)
    if (entry.isDirectory()) return runtimeFilesUnder(file, root)
    if (!entry.name.endsWith('.ts')) return []
    const output = ts.transpileModule(readFileSync(join(root, file), 'utf8'), { compilerOptions: { removeComments: true } }).outputText
    return output.replace(/export \{\};?/g, '').trim() === '' ? [] : [file]
  })
}

if (process.argv[1]?.endsWith('coverage-gate.ts') === true) {
  const root = process.cwd()
  const summary = JSON.parse(readFileSync(join(root, SUMMARY_FILE), 'utf8')) as Summary
  const problems = coverageProblems(summary, root, FLOORS, runtimeFilesUnder('src', root))
  for (const problem of problems) process.stderr.write(`coverage gate: ${problem}\n`)
  process.stdout.write(`coverage gate: ${problems.length === 0 ? 'every part at or above its floor' : `${problems.length} below their floor`}\n`)
  process.exitCode = problems.length === 0 ? 0 : 1
}
