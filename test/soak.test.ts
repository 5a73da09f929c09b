import t from 'tap'
import { runSoak } from '../bench/soak.ts'

// A 20-second soak (bench/soak.ts): netguard in its own process under keep-alive load while its
// certificate rotates, its policy is rewritten (good, then broken) and the API-server double cuts
// every watch and refuses the relists. `npm run soak` runs it longer on the compiled server.

t.setTimeout(150_000)

t.test('20 seconds of load through a certificate rotation, a good and a broken policy and an API-server outage', async (t) => {
  const lines: string[] = []
  const result = await runSoak({ durationS: 20, runtime: 'tsx', warmupS: 8, print: (line) => lines.push(line) })
  t.comment(lines.join('\n'))
  t.same(result.problems, [], 'no problem reported')
  t.ok(result.reviews > 1000, `${result.reviews} reviews`)
  t.equal(result.failed, 0, 'every review answered, with its uid and a verdict')
  t.equal(result.rotationsAttempted, 1)
  t.equal(result.rotations, 1, 'the new certificate is served to new connections')
  t.same([result.goodWrites, result.brokenWrites], [1, 1])
  t.ok(result.reloads >= 1, 'the good version was reloaded')
  t.ok(result.failedReloads >= 1, 'the broken version was refused (the last good one stayed)')
  t.equal(result.watchDrops, 1)
  t.ok((result.faultsAnswered.get(429) ?? 0) > 0, 'relists got 429 with Retry-After')
  t.ok(result.rssEndMb <= result.rssStartMb * 1.1, `RSS ${result.rssStartMb.toFixed(1)} MB after warm-up, ${result.rssEndMb.toFixed(1)} MB at the end`)
  t.match(lines.at(-1), /^soak: \d+ reviews, 0 failed, rotations 1, reloads \d+, rss start \d+\.\d MB end \d+\.\d MB$/)
  t.equal(lines.at(-1), result.summary)
})
