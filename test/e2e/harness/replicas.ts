import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startReplica, waitUntilServing } from './netguard.ts'
import { signalGroup, type StartedProcess } from './processes.ts'
import type { E2EState } from './state.ts'

// Replicas a test stops and starts: by name, through the run's pid folder, so that a replica the
// runner started can be stopped by a test, and one a test started is ended by the runner.

/** Pids of the running processes the suite started under `name` (from the run's pid folder). */
export function pidsOf (state: E2EState, name: string): number[] {
  return readdirSync(state.pidDir).filter((file) => readFileSync(join(state.pidDir, file), 'utf8').trim() === name).map(Number)
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Sends `signal` to the replica's process group and waits until it has exited. */
export async function stopReplica (state: E2EState, name: string, timeoutMs = 30_000): Promise<void> {
  const pids = pidsOf(state, name)
  for (const pid of pids) signalGroup(pid, 'SIGTERM')
  const deadline = Date.now() + timeoutMs
  while (pids.some(alive)) {
    if (Date.now() > deadline) throw new Error(`${name} still running ${timeoutMs / 1000} s after SIGTERM`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Starts a replica as the runner started the first, and waits until it is ready. */
export async function startNetguardReplica (state: E2EState, name: string, port: number): Promise<StartedProcess> {
  const replica = startReplica({ spec: state.netguard.replica, name, port, logDir: state.logDir, pidDir: state.pidDir })
  await waitUntilServing(replica, port, state.netguard.ca)
  return replica
}
