import { pino, type Logger } from 'pino'

/** A pino logger whose lines the test can read (parsed), at debug level. */
export function captureLog (): { log: Logger, lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  const log = pino({ level: 'debug' }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>) } })
  return { log, lines }
}
