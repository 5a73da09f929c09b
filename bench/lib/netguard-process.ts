import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, openSync, readFileSync, closeSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { httpsJson } from './load.ts'

// `netguard serve` as it really runs: its own process, its own event loop, measured from outside
// (RSS from /proc, readiness and reload counts from /readyz), never through hooks in the server.

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BUILT = `${ROOT}dist/cli/main.js`

/**
 * `dist`: the compiled server (`npm run build`), what the image runs: memory figures are taken on
 * it. `tsx`: the TypeScript sources through tsx (tests: no build step; its loader thread adds to RSS).
 */
export type Runtime = 'dist' | 'tsx'

/**
 * The V8 flags the image starts node with (the Dockerfile's ENTRYPOINT, between node and the
 * CLI): figures are taken on the process as it runs in a cluster.
 */
export const IMAGE_NODE_FLAGS: readonly string[] = (() => {
  const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(readFileSync(`${ROOT}Dockerfile`, 'utf8'))?.[1]
  const command = JSON.parse(entrypoint ?? '[]') as string[]
  return command.slice(1).filter((word) => word.startsWith('--'))
})()

export interface NetguardProcess {
  readonly child: ChildProcess
  readonly port: number
  /** Resident set size now, in MB (10^6 bytes), from /proc/<pid>/status. */
  rssMb (): number
  /** The highest resident set size so far (VmHWM), in MB: what a memory limit must allow. */
  peakMb (): number
  stop (): Promise<void>
}

export interface StartOptions {
  readonly runtime: Runtime
  /** `serve` flags besides --port and --host. */
  readonly args: readonly string[]
  readonly env?: NodeJS.ProcessEnv
  /** Where its stdout and stderr (JSON log lines) go. */
  readonly logFile: string
  /** The CA its serving certificate chains to, to poll /readyz. */
  readonly ca: string
}

export async function startNetguard (options: StartOptions): Promise<NetguardProcess> {
  if (options.runtime === 'dist' && !existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first`)
  const port = await freePort()
  const entry = options.runtime === 'dist' ? [BUILT] : ['--import', 'tsx', `${ROOT}src/cli/main.ts`]
  const log = openSync(options.logFile, 'a')
  const child = spawn(process.execPath, [...IMAGE_NODE_FLAGS, ...entry, 'serve', '--port', String(port), '--host', '127.0.0.1', ...options.args], {
    cwd: ROOT,
    // Under tap (the soak test), tap's process tracking must not add coverage of this child: its
    // figures would depend on how long the soak ran.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, _TAPJS_PROCESSINFO_COVERAGE_: '0', ...options.env },
    stdio: ['ignore', log, log]
  })
  closeSync(log)
  const exited = new Promise<never>((_resolve, reject) => child.once('exit', (code) => reject(new Error(`netguard exited with ${String(code)} before it was ready; see ${options.logFile}`))))
  exited.catch(() => {})
  const deadline = Date.now() + 60_000
  for (;;) {
    const ready = await Promise.race([httpsJson(port, '/readyz', options.ca).then((reply) => reply.status === 200, () => false), exited])
    if (ready) break
    if (Date.now() > deadline) throw new Error(`netguard was not ready within 60 s; see ${options.logFile}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    child,
    port,
    rssMb: () => statusMb(child.pid ?? 0, 'VmRSS'),
    peakMb: () => statusMb(child.pid ?? 0, 'VmHWM'),
    stop: async () => await stopChild(child)
  }
}

/** A process's resident set size (VmRSS) or its peak (VmHWM), in MB (10^6 bytes), from /proc. */
export function statusMb (pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match?.[1] ?? Number.NaN) * 1024 / 1e6
}

/** SIGTERM (netguard drains), then SIGKILL if it has not exited after `graceMs`. */
export async function stopChild (child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
