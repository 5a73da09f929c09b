/** What a CLI command may touch besides files: its streams and the environment. Tests pass fakes. */
export interface CliIO {
  readonly stdin: NodeJS.ReadableStream
  readonly stdout: NodeJS.WritableStream
  readonly stderr: NodeJS.WritableStream
  readonly env: NodeJS.ProcessEnv
}

/** Exit codes shared by every command: 0 clean, 1 violations found, 2 bad input or usage. */
export const EXIT = { ok: 0, violations: 1, usage: 2 } as const

/** A command receives its own arguments (after the command name) and returns an exit code. */
export type Command = (args: readonly string[], io: CliIO) => Promise<number>

/** Everything a stream holds, as UTF-8 text. */
export async function readAll (stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}
