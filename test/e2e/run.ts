/**
 * `npm run e2e`: the end-to-end suite against a real kube-apiserver and etcd
 * (`npm run e2e -- test/e2e/audit.e2e.ts`: the same set-up, one file).
 *
 * Builds the binaries when the cache lacks them (scripts/e2e-binaries.sh) and netguard's CLI,
 * sets up the cluster (harness/setup.ts), runs every test/e2e/*.e2e.ts with tap one file at a
 * time (they share the cluster and some stop netguard), then stops every process it or a test
 * started — also when a test fails or the run is interrupted — and prints
 * `e2e: N passed, N failed` as its last line (N counts tap's assertions, as `npm test` does).
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { killListed, type StartedProcess } from './harness/processes.ts'
import { setUp } from './harness/setup.ts'
import { STATE_ENV } from './harness/state.ts'

const log = (line: string): void => { process.stderr.write(`e2e: ${line}\n`) }
const started: StartedProcess[] = []
const workDir = mkdtempSync(join(tmpdir(), 'netguard-e2e-'))
const logDir = join(workDir, 'logs')
const pidDir = join(workDir, 'pids')
mkdirSync(logDir)
mkdirSync(pidDir)
let tearingDown: Promise<void> | undefined

/** Stops what was started, newest first (netguard, then the API server, then etcd). */
async function tearDown (): Promise<void> {
  tearingDown ??= (async () => {
    for (const child of [...started].reverse()) await child.stop(5000)
    killListed(pidDir)
  })()
  await tearingDown
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping every process the suite started`)
    tearDown().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)))
  })
}

function run (command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${String(result.status ?? result.signal)})`)
  return result.stdout
}

/** Runs tap on the suite's files, echoing its output; resolves with the summary counts. */
async function runTests (stateFile: string): Promise<{ passed: number, failed: number, code: number }> {
  const chosen = process.argv.slice(2)
  const files = chosen.length > 0 ? chosen : readdirSync('test/e2e').filter((file) => file.endsWith('.e2e.ts')).sort().map((file) => join('test/e2e', file))
  const tap = spawn(join('node_modules', '.bin', 'tap'), ['--disable-coverage', '--jobs=1', '--timeout=120', ...files], {
    env: { ...process.env, [STATE_ENV]: stateFile },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let output = ''
  tap.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
    process.stdout.write(chunk)
  })
  const code = await new Promise<number>((resolve) => tap.once('exit', (status) => resolve(status ?? 1)))
  const summary = output.split('\n').filter((line) => /^# \{ total: \d+/.test(line)).pop() ?? ''
  const count = (key: string): number => Number(new RegExp(`${key}: (\\d+)`).exec(summary)?.[1] ?? 0)
  return { passed: count('pass'), failed: count('fail'), code }
}

function tails (): void {
  for (const file of readdirSync(logDir).sort()) {
    const lines = readFileSync(join(logDir, file), 'utf8').trimEnd().split('\n')
    process.stderr.write(`--- last lines of ${file}\n${lines.slice(-15).join('\n')}\n`)
  }
}

let passed = 0
let failed = 0
let code = 1
try {
  const started0 = Date.now()
  const binDir = run('bash', ['scripts/e2e-binaries.sh']).trim().split('\n').pop() ?? ''
  const kubeVersion = /kubernetes-(v[\d.]+)-/.exec(binDir)?.[1]
  if (kubeVersion === undefined) throw new Error(`scripts/e2e-binaries.sh printed no binary folder (got "${binDir}")`)
  run('npm', ['run', '--silent', 'build'])
  const state = await setUp({ binDir, kubeVersion, workDir, logDir, pidDir, log }, (child) => started.push(child))
  log(`cluster ready in ${Math.round((Date.now() - started0) / 1000)} s`)
  const stateFile = join(workDir, 'state.json')
  writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 })
  ;({ passed, failed, code } = await runTests(stateFile))
  if (code !== 0 && failed === 0) failed = 1
} catch (error) {
  log(`set-up failed: ${(error as Error).stack ?? String(error)}`)
  failed += 1
}
await tearDown()
if (failed > 0 || code !== 0) {
  try {
    tails()
  } catch {}
  log(`logs kept in ${logDir}`)
} else {
  rmSync(workDir, { recursive: true, force: true })
}
process.stdout.write(`e2e: ${passed} passed, ${failed} failed\n`)
process.exitCode = failed > 0 || code !== 0 ? 1 : 0
