import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { readKeyPair, type KeyPair } from '../../src/tls/key-pair.ts'
import { KeyPairWatcher } from '../../src/tls/reload.ts'
import { eventually } from '../helpers/https.ts'
import { capturedLogger } from '../helpers/review.ts'
import { testCertificates } from '../helpers/tls.ts'

t.test('files overwritten in place are reloaded as a pair; a half-written update is not applied', async (t) => {
  const [first, second] = await Promise.all([testCertificates('a'), testCertificates('b')])
  const certDir = t.testdir({})
  const keyDir = t.testdir({})
  const certFile = join(certDir, 'server.crt')
  const keyFile = join(keyDir, 'server.key')
  copyFileSync(first.certFile, certFile)
  copyFileSync(first.keyFile, keyFile)
  const applied: KeyPair[] = []
  const log = capturedLogger()
  const watcher = new KeyPairWatcher({ certFile, keyFile, initial: await readKeyPair(certFile, keyFile, new Date()), apply: (pair) => applied.push(pair), log: log.logger, debounceMs: 20 })
  t.teardown(() => watcher.close())
  t.same(watcher.status, { source: certFile, notAfter: first.pair.notAfter, loadedAt: watcher.status.loadedAt, lastError: undefined })

  writeFileSync(certFile, second.pair.cert)
  t.equal(await watcher.reload(), false, 'a new certificate with the old key is refused')
  t.equal(applied.length, 0)
  t.match(watcher.status.lastError, /is not the private key/)

  writeFileSync(keyFile, second.pair.key)
  t.ok(await eventually(() => applied.length === 1), 'watching both folders, the completed pair is applied')
  t.equal(applied[0]?.cert, second.pair.cert)
  t.same(watcher.status.lastError, undefined)
  t.equal(watcher.status.notAfter.getTime(), second.pair.notAfter.getTime())
  t.equal(await watcher.reload(), true)
  t.equal(applied.length, 1, 'an unchanged pair is not applied again')
  t.ok(log.records().some((record) => record.msg === 'serving certificate reloaded'))
})

t.test('an apply that throws keeps the old pair and reports the error', async (t) => {
  const [first, second] = await Promise.all([testCertificates('a'), testCertificates('b')])
  const dir = t.testdir({})
  const certFile = join(dir, 'tls.crt')
  const keyFile = join(dir, 'tls.key')
  copyFileSync(first.certFile, certFile)
  copyFileSync(first.keyFile, keyFile)
  const watcher = new KeyPairWatcher({ certFile, keyFile, initial: first.pair, apply: () => { throw new Error('setSecureContext failed') }, log: capturedLogger().logger, debounceMs: 10_000 })
  t.teardown(() => watcher.close())
  copyFileSync(second.certFile, certFile)
  copyFileSync(second.keyFile, keyFile)
  t.equal(await watcher.reload(), false)
  t.equal(watcher.status.lastError, 'setSecureContext failed')
  t.equal(watcher.status.notAfter, first.pair.notAfter)
})
