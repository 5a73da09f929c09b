import t from 'tap'
import { WorkQueue } from '../../src/reconciler/queue.ts'
import { until } from '../helpers/wait.ts'

t.test('a key is queued once, handled once at a time, and again when added while handled', async (t) => {
  const queue = new WorkQueue({ workers: 2 })
  const handled: string[] = []
  let release: () => void = () => {}
  const running = queue.run(async (key) => {
    handled.push(key)
    if (key === 'slow' && handled.filter((entry) => entry === 'slow').length === 1) await new Promise<void>((resolve) => { release = resolve })
  })
  queue.add('slow')
  queue.add('slow')
  await until('slow in progress', () => handled.length === 1)
  queue.add('slow')
  queue.add('slow')
  queue.add('other')
  await until('other', () => handled.includes('other'))
  t.equal(queue.backlog, 1, 'slow is in progress, its second turn waits for it')
  release()
  await until('slow again', () => handled.length === 3)
  await until('drained', () => queue.backlog === 0)
  t.same(handled, ['slow', 'other', 'slow'], 'added three more times while busy: handled once more')
  queue.stop()
  await running
})

t.test('per-key exponential backoff, reset by forget', async (t) => {
  const queue = new WorkQueue({ retry: { initialMs: 100, maxMs: 800 } })
  t.teardown(() => queue.stop())
  const delays = Array.from({ length: 5 }, () => queue.retry('a'))
  t.ok(delays[0]! >= 80 && delays[0]! <= 120, `first ${delays[0]} ms, ±20 % of 100`)
  t.ok(delays[1]! >= 160 && delays[1]! <= 240, `second ${delays[1]} ms, ±20 % of 200`)
  t.ok(delays[3]! >= 640 && delays[3]! <= 960, `fourth ${delays[3]} ms, ±20 % of 800`)
  t.ok(delays[4]! <= 960, 'capped')
  t.ok(queue.retry('b') <= 120, 'each key has its own backoff')
  queue.forget('a')
  t.ok(queue.retry('a') <= 120, 'forgotten: short again')
  t.equal(queue.backlog, 7, 'every retry waits on a timer')
})

t.test('retries of all keys together are held to the overall bucket', async (t) => {
  const queue = new WorkQueue({ retry: { initialMs: 1, maxMs: 1 }, retryLimit: { qps: 100, burst: 10 } })
  t.teardown(() => queue.stop())
  const delays = Array.from({ length: 200 }, (_, index) => queue.retry(`namespace-${index}`))
  t.equal(delays.filter((delay) => delay <= 2).length, 10, 'a burst of 10 at once')
  t.ok(delays.at(-1)! >= 1850, `the 200th retry waits its turn: ${Math.round(delays.at(-1)!)} ms`)
  t.ok(delays.every((delay, index) => index === 0 || delay >= delays[index - 1]! - 2), 'in order')
})

t.test('a failing key comes back after its delay; stop clears the timers', async (t) => {
  const queue = new WorkQueue({ retry: { initialMs: 20, maxMs: 20 } })
  const seen: number[] = []
  const running = queue.run(async (key) => {
    seen.push(performance.now())
    if (seen.length < 3) queue.retry(key)
  })
  queue.add('a')
  await until('three tries', () => seen.length === 3)
  t.ok(seen[2]! - seen[0]! >= 30, 'two delays of about 20 ms')
  queue.retry('a')
  t.equal(queue.backlog, 1)
  queue.stop()
  await running
  t.equal(queue.backlog, 0)
  queue.add('b')
  t.equal(queue.backlog, 0, 'nothing is added after stop')
})
