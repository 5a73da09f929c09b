import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { runCliWith } from '../helpers/cli.ts'
import { httpsRequest } from '../helpers/https.ts'
import { exampleReview } from '../helpers/review.ts'
import { testCertificates } from '../helpers/tls.ts'

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

t.test('netguard serve answers reviews, and on SIGTERM finishes and exits 0', async (t) => {
  const certs = await testCertificates()
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--cert', certs.certFile, '--key', certs.keyFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // No coverage from the child: tsx compiles differently from tap's loader, and merging its
    // coverage with the suite's garbled the figures of every file the server loads.
    env: { ...process.env, NETGUARD_MODE: 'audit', _TAPJS_PROCESSINFO_COVERAGE_: '0' }
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const records: Record<string, unknown>[] = []
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  // 'close', not 'exit': only then has every line the child wrote been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const record = JSON.parse(line) as Record<string, unknown>
      records.push(record)
      const match = /^Server listening at https:\/\/127\.0\.0\.1:(\d+)$/.exec(String(record.msg))
      if (match !== null) resolve(Number(match[1]))
    })
    child.once('exit', () => reject(new Error(`serve exited early: ${stderr}`)))
  })
  const reply = await httpsRequest(port, '/validate', { ca: certs.caPem, body: exampleReview('service-nodeport-denied') })
  t.match(JSON.parse(reply.body), { response: { allowed: true, warnings: [/audit mode, would deny/] } }, 'NETGUARD_MODE=audit is in force')
  child.kill('SIGTERM')
  t.equal(await exited, 0)
  t.ok(records.some((record) => record.msg === 'review' && record.verdict === 'allowed' && record.mode === 'audit'))
  t.ok(records.some((record) => record.signal === 'SIGTERM'), 'the shutdown is logged')
  t.equal(records.at(-1)?.msg, 'stopped')
})

t.test('serve refuses bad options and an invalid policy with exit 2', async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nspec:\n  mode: loud\n' })
  const invalid = await runCliWith(['serve', '--policies', dir, '--port', '0'])
  t.equal(invalid.code, 2)
  t.match(invalid.stderr, /bad\.yaml:4: spec\.mode/)
  const cases: [string[], RegExp][] = [
    [['serve', '--cert', 'a.crt'], /--cert and --key go together/],
    [['serve', '--port', 'https'], /--port must be a number/],
    [['serve', 'now'], /serve takes no arguments/],
    [['serve', '--log-level', 'loud'], /--log-level must be one of/]
  ]
  for (const [argv, message] of cases) {
    const result = await runCliWith(argv)
    t.equal(result.code, 2, argv.join(' '))
    t.match(result.stderr, message)
  }
  const help = await runCliWith(['serve', '--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /--cert FILE --key FILE/)
})
