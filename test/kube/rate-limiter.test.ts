import t from 'tap'
import { DEFAULT_RATE_LIMIT, TokenBucket } from '../../src/kube/rate-limiter.ts'

t.test('a full bucket lets `burst` through at once, then one per 1/qps, in order of asking', async (t) => {
  let now = 0
  const bucket = new TokenBucket({ qps: 10, burst: 3 }, () => now)
  t.same([bucket.reserve(), bucket.reserve(), bucket.reserve()], [0, 0, 0], 'the burst')
  t.same([bucket.reserve(), bucket.reserve()].map(Math.round), [100, 200], 'then each waits its turn')
  now = 1000
  t.equal(Math.round(bucket.reserve()), 0, 'a second later the reservations are paid off and tokens refilled')
  t.equal(Math.round(bucket.reserve()), 0)
  t.equal(Math.round(bucket.reserve()), 0, 'refilled 10 tokens minus the 2 owed, capped at the burst')
  t.equal(Math.round(bucket.reserve()), 100)
})

t.test('never more than burst + qps requests in any one second', async (t) => {
  let now = 0
  const { qps, burst } = DEFAULT_RATE_LIMIT
  const bucket = new TokenBucket(DEFAULT_RATE_LIMIT, () => now)
  // 500 callers ask within the first millisecond; each goes when its reservation comes due.
  const sendTimes = Array.from({ length: 500 }, () => bucket.reserve())
  const inFirstSecond = sendTimes.filter((at) => at < 1000).length
  t.equal(inFirstSecond, burst + qps - 1, `${burst} at once, then one every ${1000 / qps} ms (the ${qps}th at 1000 ms)`)
  for (let start = 0; start < 20_000; start += 250) {
    t.ok(sendTimes.filter((at) => at >= start && at < start + 1000).length <= burst + qps, `window from ${start} ms`)
  }
  now = 60_000
  t.equal(bucket.reserve(), 0, 'after a quiet minute the burst is back')
})

t.test('take waits for the reserved token', async (t) => {
  const bucket = new TokenBucket({ qps: 50, burst: 1 })
  const started = performance.now()
  await bucket.take()
  await bucket.take()
  await bucket.take()
  t.ok(performance.now() - started >= 35, 'two waits of 20 ms')
})

t.test('nonsense limits are refused', async (t) => {
  t.throws(() => new TokenBucket({ qps: 0, burst: 1 }), RangeError)
  t.throws(() => new TokenBucket({ qps: 5, burst: 0 }), RangeError)
  t.throws(() => new TokenBucket({ qps: 5, burst: 1.5 }), RangeError)
  t.throws(() => new TokenBucket({ qps: Number.NaN, burst: 1 }), RangeError)
})
