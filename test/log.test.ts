import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { Metrics } from '../src/metrics.ts'
import { capturedLogger } from './helpers/review.ts'

const LOG_MODULE = fileURLToPath(new URL('../src/log.ts', import.meta.url))

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

t.test('a stdout that does not keep up costs at most the buffer: lines beyond it are dropped, counted and exported', async (t) => {
  const script = `
    import { boundedStdout, createLogger } from ${JSON.stringify(LOG_MODULE)}
    const out = boundedStdout(64 * 1024)
    const logger = createLogger({ destination: out.destination })
    for (let index = 0; index < 20000; index++) logger.info({ index, pad: 'x'.repeat(200) }, 'line')
    process.stderr.write(JSON.stringify({ dropped: out.dropped() }) + '\\n')
    await out.flush()
  `
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  // Nobody reads stdout until the child has written everything: a stalled log collector.
  const report = await new Promise<{ dropped: number }>((resolve, reject) => {
    let text = ''
    child.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) resolve(JSON.parse(text) as { dropped: number })
    })
    child.once('exit', (code) => reject(new Error(`exited ${String(code)}: ${text}`)))
  })
  let lines = 0
  createInterface({ input: child.stdout }).on('line', () => { lines++ })
  const code = await new Promise((resolve) => child.once('close', resolve))
  t.equal(code, 0)
  t.ok(report.dropped > 15000, `${report.dropped} of 20000 lines dropped`)
  t.equal(lines + report.dropped, 20000, `the ${lines} kept lines are written out whole once stdout is read again`)

  const metrics = new Metrics({ processMetrics: false })
  metrics.observeDroppedLogLines(() => report.dropped)
  t.match(await metrics.registry.metrics(), new RegExp(`^netguard_log_lines_dropped_total ${report.dropped}$`, 'm'))
})
