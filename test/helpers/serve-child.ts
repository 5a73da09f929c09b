import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

export interface ServeChild {
  readonly child: ChildProcessWithoutNullStreams
  readonly port: number
  /** Every JSON line the server wrote to stdout so far. */
  readonly records: Record<string, unknown>[]
  /** Resolves with the exit code once the process ended and all its output was read. */
  readonly exited: Promise<number | null>
  stderr (): string
}

/**
 * `netguard serve` from source in a process of its own (its own event loop, its own signals),
 * listening on 127.0.0.1:0; resolves once it logs where it listens. An undefined value in `env`
 * removes the variable (e.g. tap's coverage hooks, for a memory test). The child writes no
 * coverage: tsx compiles differently from tap's loader, and merging its coverage with the suite's
 * garbled the figures of every file the server loads.
 */
export async function serveChild (t: Test, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServeChild> {
  const childEnv = { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0', ...env }
  for (const [name, value] of Object.entries(env)) if (value === undefined) Reflect.deleteProperty(childEnv, name)
  return await serveProcess(t, process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], { env: childEnv })
}

/** Any command that runs `netguard serve --port 0 --host 127.0.0.1` (the built CLI, as another user). */
export async function serveProcess (t: Test, command: string, argv: readonly string[], options: { env: NodeJS.ProcessEnv, cwd?: string }): Promise<ServeChild> {
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env, cwd: options.cwd })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const records: Record<string, unknown>[] = []
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  // 'close', not 'exit': only then has every line the child wrote been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const record = JSON.parse(line) as Record<string, unknown>
      records.push(record)
      const match = record.msg === 'listening' ? /^https:\/\/127\.0\.0\.1:(\d+)$/.exec(String(record.address)) : null
      if (match !== null) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`serve exited ${String(code)} before it listened: ${stderr}`)))
  })
  return { child, port, records, exited, stderr: () => stderr }
}
