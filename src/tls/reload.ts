import { watch, type FSWatcher } from 'node:fs'
import { dirname } from 'node:path'
import type { Logger } from 'pino'
import { readKeyPair, type CertificateStatus, type KeyPair } from './key-pair.ts'

export interface KeyPairWatcherOptions {
  readonly certFile: string
  readonly keyFile: string
  /** The pair serving now (read at start-up). */
  readonly initial: KeyPair
  /** Puts a new pair in force, e.g. `server.setSecureContext`. */
  readonly apply: (pair: KeyPair) => void
  readonly log: Logger
  /** @default () => new Date() */
  readonly clock?: () => Date
  /** Quiet period after a change, so the certificate and the key are read as one update. @default 200 */
  readonly debounceMs?: number
}

/**
 * Reloads the serving certificate when its files change on disk (cert-manager, OpenShift's
 * service CA). It watches the directories, not the files: a Secret volume updates by swapping a
 * `..data` symlink, which a watch on the old file would never see. Both files are re-read and
 * checked as a pair before they replace the one in force; a bad pair keeps the old one.
 */
export class KeyPairWatcher {
  private pair: KeyPair
  private state: CertificateStatus
  private readonly options: KeyPairWatcherOptions
  private readonly watchers: FSWatcher[] = []
  private timer: NodeJS.Timeout | undefined
  private reloading: Promise<boolean> | undefined

  constructor (options: KeyPairWatcherOptions) {
    this.options = options
    this.pair = options.initial
    this.state = { source: options.certFile, notAfter: options.initial.notAfter, loadedAt: this.now(), lastError: undefined }
    for (const dir of new Set([dirname(options.certFile), dirname(options.keyFile)])) {
      const watcher = watch(dir, () => this.schedule())
      watcher.on('error', (error) => options.log.error({ err: error, dir }, 'certificate directory watch failed'))
      this.watchers.push(watcher)
    }
  }

  get status (): CertificateStatus {
    return this.state
  }

  /** Re-reads the pair; true when the pair on disk is in force. Concurrent calls share one read. */
  async reload (): Promise<boolean> {
    this.reloading ??= this.load().finally(() => { this.reloading = undefined })
    return await this.reloading
  }

  close (): void {
    clearTimeout(this.timer)
    for (const watcher of this.watchers) watcher.close()
    this.watchers.length = 0
  }

  private schedule (): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { this.reload().catch(() => {}) }, this.options.debounceMs ?? 200)
  }

  private async load (): Promise<boolean> {
    const { certFile, keyFile, log } = this.options
    try {
      const pair = await readKeyPair(certFile, keyFile, this.now())
      if (pair.cert === this.pair.cert && pair.key === this.pair.key) {
        this.state = { ...this.state, lastError: undefined }
        return true
      }
      this.options.apply(pair)
      this.pair = pair
      this.state = { source: certFile, notAfter: pair.notAfter, loadedAt: this.now(), lastError: undefined }
      log.info({ certFile, notAfter: pair.notAfter.toISOString(), serial: pair.certificate.serialNumber }, 'serving certificate reloaded')
      return true
    } catch (error) {
      const message = (error as Error).message
      this.state = { ...this.state, lastError: message }
      log.error({ err: { message, code: (error as { code?: string }).code } }, 'serving certificate reload failed; the previous certificate stays in use')
      return false
    }
  }

  private now (): Date {
    return (this.options.clock ?? (() => new Date()))()
  }
}
