import { X509Certificate } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCliWith } from '../helpers/cli.ts'

t.test('certs writes a CA and a serving pair and prints the base64 caBundle', async (t) => {
  const dir = t.testdir({})
  const result = await runCliWith(['certs', '--out', dir, '--dns', 'netguard.example.com', '--dns', '10.0.0.7'])
  t.equal(result.code, 0)
  const ca = readFileSync(join(dir, 'ca.crt'), 'utf8')
  t.equal(result.stdout, `${Buffer.from(ca).toString('base64')}\n`, 'stdout is the caBundle and nothing else')
  t.match(result.stderr, /created the CA and serving certificate/)
  const serving = new X509Certificate(readFileSync(join(dir, 'tls.crt')))
  for (const name of ['localhost', 'netguard.netguard.svc', 'netguard.netguard.svc.cluster.local', 'netguard.example.com']) t.equal(serving.checkHost(name), name)
  for (const ip of ['127.0.0.1', '10.0.0.7']) t.equal(serving.checkIP(ip), ip)
  t.ok(serving.checkIssued(new X509Certificate(ca)))
  t.equal(statSync(join(dir, 'tls.key')).mode & 0o777, 0o600)

  const again = await runCliWith(['certs', '--out', dir, '--dns', 'netguard.example.com'])
  t.equal(again.code, 0)
  t.match(again.stderr, /reused/)
  t.equal(again.stdout, result.stdout, 'the same CA while it is valid')
})

t.test('certs rejects arguments it does not know', async (t) => {
  const result = await runCliWith(['certs', '--days', '3'])
  t.equal(result.code, 2)
  t.match(result.stderr, /Unknown option '--days'/)
})
