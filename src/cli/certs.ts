import { resolve } from 'node:path'
import { buildConfig, parseCommandArgs } from '../config.ts'
import { UsageError } from '../errors.ts'
import { ensureDevCertificates } from '../tls/dev-certs.ts'
import { EXIT, type Command } from './io.ts'

const USAGE = `usage: netguard certs [--out DIR] [--dns NAME ...]

Creates (or reuses, while valid) a development CA and a serving certificate for localhost,
127.0.0.1, netguard.netguard.svc, netguard.netguard.svc.cluster.local and every --dns name,
in DIR (default certs/dev/). Prints the base64 caBundle for a webhook configuration on stdout.`

const OPTIONS = {
  out: { type: 'string' },
  dns: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' }
} as const

export const certs: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, OPTIONS)
  if (values.help === true) {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  if (positionals.length > 0) throw new UsageError(USAGE)
  const config = buildConfig({ dns: values.dns }, io.env)
  const dir = values.out === undefined ? config.devCertDir : resolve(values.out)
  const result = await ensureDevCertificates(dir, config.dnsNames, new Date())
  const action = result.generated === 'nothing' ? 'reused' : `created the ${result.generated}`
  io.stderr.write(`netguard certs: ${action} in ${dir}\n  CA ${result.caFile}\n  certificate ${result.certFile}\n  key ${result.keyFile}\n  valid until ${result.pair.notAfter.toISOString()}\ncaBundle:\n`)
  io.stdout.write(`${Buffer.from(result.caPem).toString('base64')}\n`)
  return EXIT.ok
}
