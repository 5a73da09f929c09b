import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { checkKeyPair, readKeyPair } from '../../src/tls/key-pair.ts'
import { testCertificates } from '../helpers/tls.ts'

t.test('a matching, current pair is read with its validity', async (t) => {
  const certs = await testCertificates()
  const pair = await readKeyPair(certs.certFile, certs.keyFile, new Date())
  t.equal(pair.cert, certs.pair.cert)
  t.ok(pair.notBefore < new Date() && pair.notAfter > new Date())
})

t.test('what is wrong with a pair is named, without quoting the key', async (t) => {
  const [first, second] = await Promise.all([testCertificates('a'), testCertificates('b')])
  const { cert, key, notBefore, notAfter } = first.pair
  const source = { cert: 'tls.crt', key: 'tls.key' }
  t.throws(() => checkKeyPair(cert, second.pair.key, new Date(), source), { code: 'NG_ERR_CERTIFICATE', message: 'tls.key is not the private key of the certificate in tls.crt' })
  t.throws(() => checkKeyPair(cert, key, notAfter, source), { message: /^tls\.crt: expired at / })
  t.throws(() => checkKeyPair(cert, key, new Date(notBefore.getTime() - 1000), source), { message: /^tls\.crt: not valid before / })
  t.throws(() => checkKeyPair('not a certificate', key, new Date(), source), { message: 'tls.crt: not a PEM certificate' })
  t.throws(() => checkKeyPair(cert, 'not a key', new Date(), source), { message: 'tls.key: not an unencrypted PEM private key' })
  t.throws(() => checkKeyPair(cert, cert, new Date(), source), { message: /^tls\.key: not an unencrypted PEM private key$/ })
  const dir = t.testdir({})
  writeFileSync(join(dir, 'empty.key'), '')
  await t.rejects(readKeyPair(join(dir, 'missing.crt'), first.keyFile, new Date()), { message: /cannot read .*missing\.crt: ENOENT/ })
  await t.rejects(readKeyPair(first.certFile, join(dir, 'empty.key'), new Date()), { message: /empty\.key: not an unencrypted PEM private key/ })
})
