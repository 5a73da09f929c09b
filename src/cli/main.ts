#!/usr/bin/env node
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { EXIT, type CliIO, type Command } from './io.ts'
import { packageVersion } from './version.ts'

const USAGE = `usage: netguard <command> [options]

commands:
  serve     run the admission webhook (HTTPS)
  review    evaluate one AdmissionReview from stdin: netguard review validate|mutate
  certs     create a development CA and serving certificate; print the caBundle
  check     evaluate manifest files offline: netguard check -f FILE|DIR ...
  test      run policy test suites: netguard test DIR (expected verdicts and rules per resource)
  audit     review every object in a cluster as enforcement would; PolicyReports

run "netguard <command> --help" for the options of a command; "netguard --version" for the version`

/** Commands load lazily so that `netguard review` does not pay for the server's imports. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.ts')).serve,
  review: async () => (await import('./review.ts')).review,
  certs: async () => (await import('./certs.ts')).certs,
  check: async () => (await import('./check.ts')).checkCommand,
  test: async () => (await import('./test.ts')).testCommand,
  audit: async () => (await import('./audit.ts')).auditCommand
}

export async function runCli (argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${USAGE}\n`)
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`${packageVersion()}\n`)
    return EXIT.ok
  }
  const load = COMMANDS[name]
  if (load === undefined) {
    io.stderr.write(`netguard: unknown command "${name}"\n\n${USAGE}\n`)
    return EXIT.usage
  }
  try {
    return await (await load())(rest, io)
  } catch (error) {
    // Bad flags, bad input, a bad policy or certificate: a message, never a stack trace.
    io.stderr.write(`netguard ${name}: ${error instanceof Error ? error.message : String(error)}\n`)
    return EXIT.usage
  }
}

function isEntryPoint (): boolean {
  const script = process.argv[1]
  return script !== undefined && realpathSync(script) === fileURLToPath(import.meta.url)
}

if (isEntryPoint()) {
  const io: CliIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }
  runCli(process.argv.slice(2), io).then((code) => { process.exitCode = code }, (error: unknown) => {
    process.stderr.write(`netguard: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = EXIT.usage
  })
}
