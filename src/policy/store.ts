import { watch, type FSWatcher } from 'node:fs'
import type { Logger } from 'pino'
import type { CompiledPolicy } from '../engine/policy.ts'
import { loadPolicyDir } from './load.ts'
import type { CompileOptions } from './compile.ts'

export interface PolicyStatus {
  readonly sources: readonly string[]
  readonly loadedAt: Date
  /** Set while the files on disk are invalid and the last good policy stays in force. */
  readonly lastError: string | undefined
  readonly reloads: number
  readonly failedReloads: number
}

export interface PolicyStoreOptions extends CompileOptions {
  /** Quiet period after a change before reloading, so a multi-file update loads once. @default 150 */
  readonly debounceMs?: number
}

/**
 * Holds the policy in force. A reload compiles the files anew and swaps the policy in one
 * assignment, so a review always sees one whole policy; a bad reload keeps the last good one.
 */
export class PolicyStore {
  readonly dir: string
  private policy: CompiledPolicy
  private state: PolicyStatus
  private readonly options: PolicyStoreOptions
  private readonly log: Logger
  private watcher: FSWatcher | undefined
  private timer: NodeJS.Timeout | undefined
  private reloading: Promise<boolean> | undefined
  private readonly listeners: ((policy: CompiledPolicy) => void)[] = []

  private constructor (dir: string, policy: CompiledPolicy, options: PolicyStoreOptions, log: Logger) {
    this.dir = dir
    this.policy = policy
    this.options = options
    this.log = log
    this.state = { sources: policy.sources, loadedAt: new Date(), lastError: undefined, reloads: 0, failedReloads: 0 }
  }

  /** Loads the directory; an invalid policy at start-up throws, naming file, line and field. */
  static async open (dir: string, log: Logger, options: PolicyStoreOptions = {}): Promise<PolicyStore> {
    return new PolicyStore(dir, await loadPolicyDir(dir, options), options, log)
  }

  get current (): CompiledPolicy {
    return this.policy
  }

  get status (): PolicyStatus {
    return this.state
  }

  onChange (listener: (policy: CompiledPolicy) => void): void {
    this.listeners.push(listener)
  }

  /** Re-reads the files; true when the new policy is in force. Concurrent calls share one load. */
  async reload (): Promise<boolean> {
    this.reloading ??= this.load().finally(() => { this.reloading = undefined })
    return await this.reloading
  }

  private async load (): Promise<boolean> {
    try {
      const policy = await loadPolicyDir(this.dir, this.options)
      this.policy = policy
      this.state = { ...this.state, sources: policy.sources, loadedAt: new Date(), lastError: undefined, reloads: this.state.reloads + 1 }
      this.log.info({ sources: policy.sources, mode: policy.mode }, 'policy reloaded')
      for (const listener of this.listeners) listener(policy)
      return true
    } catch (error) {
      const message = (error as Error).message
      this.state = { ...this.state, lastError: message, failedReloads: this.state.failedReloads + 1 }
      this.log.error({ err: { message, code: (error as { code?: string }).code } }, 'policy reload failed; the last good policy stays in force')
      return false
    }
  }

  /** Reloads when anything in the directory changes (a ConfigMap update swaps its `..data` link). */
  watch (): void {
    if (this.watcher !== undefined) return
    this.watcher = watch(this.dir, () => {
      clearTimeout(this.timer)
      this.timer = setTimeout(() => { this.reload().catch(() => {}) }, this.options.debounceMs ?? 150)
    })
    this.watcher.on('error', (error) => this.log.error({ err: error }, 'policy directory watch failed'))
  }

  close (): void {
    clearTimeout(this.timer)
    this.watcher?.close()
    this.watcher = undefined
  }
}
