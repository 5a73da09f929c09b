import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { Agent } from 'node:https'
import { join, resolve } from 'node:path'
import t from 'tap'
import { runCliWith } from '../helpers/cli.ts'
import { httpsRequest } from '../helpers/https.ts'
import { exampleReview } from '../helpers/review.ts'
import { serveChild, serveProcess } from '../helpers/serve-child.ts'
import { testCertificates } from '../helpers/tls.ts'
import { until } from '../helpers/wait.ts'

// The read-only image test bundles the CLI first: slow on a busy machine.
t.setTimeout(240_000)

t.test('netguard serve answers reviews, and on SIGTERM finishes and exits 0', async (t) => {
  const certs = await testCertificates()
  const { port, records, child, exited } = await serveChild(t, ['--cert', certs.certFile, '--key', certs.keyFile, '--shutdown-delay', '0'], { NETGUARD_MODE: 'audit' })
  const reply = await httpsRequest(port, '/validate', { ca: certs.caPem, body: exampleReview('service-nodeport-denied') })
  t.match(JSON.parse(reply.body), { response: { allowed: true, warnings: [/audit mode, would deny/] } }, 'NETGUARD_MODE=audit is in force')
  child.kill('SIGTERM')
  t.equal(await exited, 0)
  t.ok(records.some((record) => record.msg === 'review' && record.verdict === 'allowed' && record.mode === 'audit'))
  t.ok(records.some((record) => record.signal === 'SIGTERM'), 'the shutdown is logged')
  t.equal(records.at(-1)?.msg, 'stopped', `the last line reaches stdout before the exit: ${JSON.stringify(records.slice(-3))}`)
})

t.test('across a SIGTERM under load, no review on a keep-alive connection fails', async (t) => {
  const certs = await testCertificates()
  const { port, records, child, exited } = await serveChild(t, ['--cert', certs.certFile, '--key', certs.keyFile, '--shutdown-delay', '1.5'])
  // The API server keeps up to 25 connections per webhook and sends on them back to back.
  const agent = new Agent({ keepAlive: true, maxSockets: 8, ca: certs.caPem })
  t.teardown(() => agent.destroy())
  const body = exampleReview('service-nodeport-denied')
  const outcomes = { ok: 0, failed: [] as string[], closing: 0, afterSignal: 0 }
  let signalled = false
  const load = { sending: true }
  const sender = async (): Promise<void> => {
    while (load.sending) {
      const afterSignal = signalled
      try {
        const reply = await httpsRequest(port, '/validate', { ca: certs.caPem, agent, body })
        if (reply.status === 200 && JSON.parse(reply.body).response.uid === body.request.uid) outcomes.ok++
        else outcomes.failed.push(`HTTP ${reply.status}`)
        if (afterSignal) {
          outcomes.afterSignal++
          if (reply.headers.connection === 'close') outcomes.closing++
        }
      } catch (error) {
        outcomes.failed.push((error as NodeJS.ErrnoException).code ?? String(error))
      }
    }
  }
  const senders = Array.from({ length: 8 }, sender)
  t.teardown(() => { load.sending = false })
  await new Promise((resolve) => setTimeout(resolve, 500))
  child.kill('SIGTERM')
  // From the moment the server says it drains, every answer it sends closes its connection.
  await until('the server to drain', () => records.some((record) => String(record.msg).startsWith('draining')), 10_000)
  signalled = true
  const readyz = await httpsRequest(port, '/readyz', { ca: certs.caPem })
  // The endpoint removal reaches the clients within the delay; until then they keep sending.
  await new Promise((resolve) => setTimeout(resolve, 700))
  load.sending = false
  await Promise.all(senders)
  t.equal(readyz.status, 503, 'unready at once')
  t.match(JSON.parse(readyz.body), { status: 'shutting down' })
  t.same(outcomes.failed, [], `no review failed (${outcomes.ok} answered)`)
  t.ok(outcomes.afterSignal > 0, `${outcomes.afterSignal} reviews answered after the signal`)
  t.equal(outcomes.closing, outcomes.afterSignal, 'every answer after the signal closes its connection')
  t.equal(await exited, 0)
  t.equal(records.at(-1)?.msg, 'stopped')
})

t.test('the image starts as it is: as UID 65532 from a read-only copy, the dev certificate goes to the temporary directory', { skip: process.getuid?.() !== 0 ? 'needs root to switch to UID 65532' : false }, async (t) => {
  // A copy of the built CLI in a folder owned by root, which UID 65532 can read and not write,
  // as /app is in the image; node_modules and the bundled policies beside it.
  const app = t.testdir({})
  execFileSync('npm', ['run', '--silent', 'bundle', '--', `--outdir=${join(app, 'dist', 'cli')}`], { stdio: 'inherit' })
  cpSync('policies', join(app, 'policies'), { recursive: true })
  cpSync('package.json', join(app, 'package.json'))
  symlinkSync(resolve('node_modules'), join(app, 'node_modules'))
  const tmp = mkdtempSync(join(tmpdir(), 'netguard-readonly-'))
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
  chmodSync(tmp, 0o1777)
  chmodSync(app, 0o755)
  const { port, records: lines, child } = await serveProcess(t, 'setpriv',
    ['--reuid=65532', '--regid=65532', '--clear-groups', process.execPath, join(app, 'dist/cli/main.js'), 'serve', '--port', '0', '--host', '127.0.0.1'],
    { cwd: app, env: { PATH: process.env.PATH, TMPDIR: tmp } })
  const devDir = join(tmp, 'netguard-dev-certs-65532')
  const warning = lines.find((line) => line.level === 40)
  t.match(warning, { msg: /no --cert\/--key: serving a development certificate from the temporary directory.*--cert and --key.*certificates\.provider/, dir: devDir }, 'says where, and what a cluster needs')
  const ca = readFileSync(join(devDir, 'ca.crt'), 'utf8')
  t.equal((await httpsRequest(port, '/readyz', { ca })).status, 200)
  t.equal(statSync(join(devDir, 'tls.key')).uid, 65532)
  t.equal(statSync(join(devDir, 'tls.key')).mode & 0o077, 0, 'the key is readable by its owner only')
  t.notOk(existsSync(join(app, 'certs')), 'nothing written into the application folder')
  child.kill('SIGTERM')
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
