import { PassThrough, Readable } from 'node:stream'
import type { CliIO } from '../../src/cli/io.ts'

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command function with fake streams and returns its exit code and output. */
export async function runCommand (
  command: (args: readonly string[], io: CliIO) => Promise<number>,
  args: readonly string[],
  stdin = ''
): Promise<CliRun> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: Buffer[] = []
  const err: Buffer[] = []
  stdout.on('data', (chunk: Buffer) => out.push(chunk))
  stderr.on('data', (chunk: Buffer) => err.push(chunk))
  const code = await command(args, { stdin: Readable.from([stdin]), stdout, stderr, env: {} })
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }
}
