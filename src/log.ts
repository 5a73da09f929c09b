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

/** The root logger: JSON lines on stdout, one child per module (`log.child({ module })`) and per request. */
export function createLogger (options: LoggerOptions = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' }
  }, options.destination ?? pino.destination(1))
}
