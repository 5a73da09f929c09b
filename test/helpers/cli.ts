import { Readable, Writable } from 'node:stream'
import { runCli } from '../../src/cli/main.ts'

/** Runs the CLI in-process with fake streams: exit code and everything it wrote. */
export async function runCliWith (argv: readonly string[], options: { stdin?: string, env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number, stdout: string, stderr: string }> {
  const output = { stdout: '', stderr: '' }
  const sink = (name: 'stdout' | 'stderr'): Writable => new Writable({
    write (chunk: Buffer, _encoding, done) {
      output[name] += chunk.toString()
      done()
    }
  })
  const code = await runCli(argv, { stdin: Readable.from([options.stdin ?? '']), stdout: sink('stdout'), stderr: sink('stderr'), env: options.env ?? {} })
  return { code, ...output }
}
