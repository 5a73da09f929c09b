import t from 'tap'
import { capturedLogger } from './helpers/review.ts'

t.test('objects, bodies, keys and credentials are censored wherever they are logged', async (t) => {
  const { logger, records, text } = capturedLogger()
  const secret = 'TOP-SECRET-VALUE'
  logger.info({ object: { data: secret }, oldObject: { data: secret } }, 'top level')
  logger.info({ review: { object: { data: secret }, oldObject: secret }, request: { object: secret, oldObject: secret } }, 'nested')
  logger.info({ req: { body: secret, headers: { authorization: `Bearer ${secret}`, cookie: secret } }, body: secret }, 'request')
  logger.info({ route: { spec: { tls: { key: secret } } }, key: secret, tls: { key: secret, privateKey: secret } }, 'secrets')
  logger.child({ reqId: 'r1' }).info({ object: secret }, 'child loggers too')
  t.notMatch(text(), secret)
  t.equal(records().length, 5)
  t.match(records()[0], { object: '[redacted]', oldObject: '[redacted]' })
  t.match(records()[2], { req: { body: '[redacted]', headers: { authorization: '[redacted]' } } })
})
