import { pino, type DestinationStream, type Logger } from 'pino'
import type { LogLevel } from './config.ts'

/**
 * Paths censored in every log line. netguard never logs objects on purpose; this is the second
 * line of defence should an object, a request body or a secret ever reach a log call.
 */
export const REDACT_PATHS: readonly string[] = [
  'object', 'oldObject', '*.object', '*.oldObject', 'request.object', 'request.oldObject',
  'body', '*.body', 'req.body', 'request.body',
  'spec.tls.key', '*.spec.tls.key', 'key', '*.key', 'privateKey', '*.privateKey',
  'req.headers.authorization', 'req.headers.cookie', '*.headers.authorization', '*.headers.cookie'
]

export interface LoggerOptions {
  /** @default 'info' */
  readonly level?: LogLevel
  /** Where JSON lines go. @default stdout */
  readonly destination?: DestinationStream
}

/**
 * Bytes of log lines held for a stdout that does not take them (a stalled log collector); past
 * that, lines are dropped and counted instead of growing the heap (about 6 MiB/s at full load).
 */
export const LOG_BUFFER_BYTES = 8 * 1024 * 1024

export interface StdoutLog {
  readonly destination: DestinationStream
  /** Lines dropped so far because the buffer was full. */
  dropped (): number
  /** Writes out what is buffered and ends the stream, waiting at most `timeoutMs`: the last call before the process exits. */
  flush (timeoutMs?: number): Promise<void>
  /** The same, blocking, for the moment just before a forced exit; a stdout that refuses is given up. */
  flushSync (): void
}

/** Asynchronous stdout for the server's logs, bounded at `maxBytes` (lines beyond it are dropped and counted). */
export function boundedStdout (maxBytes = LOG_BUFFER_BYTES): StdoutLog {
  const stream = pino.destination({ dest: 1, sync: false, maxLength: maxBytes })
  let dropped = 0
  stream.on('drop', () => { dropped++ })
  return {
    destination: stream,
    dropped: () => dropped,
    // SonicBoom's flush() calls back at once when no minimum length is set, before the write in
    // flight lands; end() waits for every write, and leaves stdout itself open.
    flush: async (timeoutMs = 2_000) => {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        new Promise<void>((resolve) => { stream.once('close', resolve).end() }),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs) })
      ])
      clearTimeout(timer)
    },
    flushSync: () => {
      try {
        stream.flushSync()
      } catch {
        // stdout is gone or full: nothing else can be done on the way out.
      }
    }
  }
}

/** The root logger: JSON lines on stdout, one child per module (`log.child({ module })`) and per request. */
export function createLogger (options: LoggerOptions = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' }
  }, options.destination ?? pino.destination(1))
}
