import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A process the suite started: in a process group of its own (so a stop reaches whatever it
 * spawned too), output appended to a log file, and its id written to the run's pid folder, so the
 * runner stops it at the end even when the test that started it died first.
 */
export interface StartedProcess {
  readonly name: string
  readonly pid: number
  readonly logFile: string
  /** Settles with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>
  /** SIGTERM to the group, SIGKILL after `graceMs`; settles when the process has ended. */
  stop: (graceMs?: number) => Promise<void>
}

export interface StartOptions {
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  readonly logFile: string
  /** The run's pid folder. */
  readonly pidDir: string
}

export function startProcess (options: StartOptions): StartedProcess {
  const log = openSync(options.logFile, 'a')
  let child: ChildProcess
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log]
    })
  } finally {
    closeSync(log)
  }
  // The suite's processes never keep a test file's process alive; the pid folder ends them.
  child.unref()
  const pid = child.pid
  if (pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`)
  mkdirSync(options.pidDir, { recursive: true })
  const pidFile = join(options.pidDir, String(pid))
  writeFileSync(pidFile, `${options.name}\n`)
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      rmSync(pidFile, { force: true })
      resolve(code ?? signal ?? 'unknown')
    })
    child.once('error', () => {
      rmSync(pidFile, { force: true })
      resolve('spawn error')
    })
  })
  let ended = false
  exited.then(() => { ended = true })
  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    stop: async (graceMs = 10_000) => {
      if (ended) return
      // Held while stopping: an unreferenced child alone would let the process exit before its end.
      child.ref()
      signalGroup(pid, 'SIGTERM')
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
      // What the process left in its group (children it spawned) goes with it.
      signalGroup(pid, 'SIGKILL')
    }
  }
}

export function signalGroup (pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // Already gone.
  }
}

/** SIGKILLs the group of every process still listed in `pidDir`: the last line of clean-up. */
export function killListed (pidDir: string): string[] {
  let names: string[] = []
  try {
    names = readdirSync(pidDir)
  } catch {
    return []
  }
  for (const name of names) {
    const pid = Number(name)
    if (Number.isInteger(pid) && pid > 1) signalGroup(pid, 'SIGKILL')
    rmSync(join(pidDir, name), { force: true })
  }
  return names
}
