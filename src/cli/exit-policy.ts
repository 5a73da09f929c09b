import { EXIT } from './io.ts'

/** Flags that decide when a reporting command fails a pipeline: `check` and `audit` share them. */
export const EXIT_OPTIONS = {
  'exit-zero': { type: 'boolean', default: false },
  'fail-on': { type: 'string' }
} as const

const FAIL_ON = ['deny', 'warn'] as const
export type FailOn = typeof FAIL_ON[number]

/** undefined: report only, never fail (bad input still exits 2). */
export type ExitPolicy = FailOn | undefined

/** The flags' lines of a usage text whose descriptions start at column `width`. */
export function exitUsage (width: number): string {
  return [
    ['--fail-on LEVEL', 'exit 1 when anything would be denied (deny, the default) or warned about (warn)'],
    ['--exit-zero', 'report only: exit 0 whatever was found (2 still means unusable input)']
  ].map(([flag = '', text]) => `      ${flag.padEnd(width - 6)}${text ?? ''}`).join('\n')
}

/** The policy the flags ask for, or the usage problem with them. */
export function exitPolicy (values: { readonly 'exit-zero'?: boolean, readonly 'fail-on'?: string }): ExitPolicy | { readonly problem: string } {
  if (values['exit-zero'] === true && values['fail-on'] !== undefined) return { problem: '--exit-zero and --fail-on contradict each other: give one' }
  const failOn = values['fail-on'] ?? 'deny'
  if (!FAIL_ON.includes(failOn as FailOn)) return { problem: `--fail-on must be one of ${FAIL_ON.join(', ')}, got "${failOn}"` }
  return values['exit-zero'] === true ? undefined : failOn as FailOn
}

/** 1 when some verdict reaches the level the pipeline fails on (deny < warn), else 0. */
export function exitCodeFor (verdicts: Iterable<string>, policy: ExitPolicy): number {
  if (policy === undefined) return EXIT.ok
  for (const verdict of verdicts) {
    if (verdict === 'deny' || (policy === 'warn' && verdict === 'warn')) return EXIT.violations
  }
  return EXIT.ok
}
