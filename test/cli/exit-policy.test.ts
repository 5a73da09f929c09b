import t from 'tap'
import { exitCodeFor, exitPolicy } from '../../src/cli/exit-policy.ts'

t.test('the flags give the level a pipeline fails on', async (t) => {
  t.equal(exitPolicy({}), 'deny', 'deny by default')
  t.equal(exitPolicy({ 'fail-on': 'warn' }), 'warn')
  t.equal(exitPolicy({ 'exit-zero': true }), undefined, 'report only')
  t.same(exitPolicy({ 'fail-on': 'error' }), { problem: '--fail-on must be one of deny, warn, got "error"' })
  t.same(exitPolicy({ 'exit-zero': true, 'fail-on': 'deny' }), { problem: '--exit-zero and --fail-on contradict each other: give one' })
})

t.test('exit 1 when a verdict reaches the level, else 0', async (t) => {
  const verdicts = ['allow', 'skip', 'warn']
  t.equal(exitCodeFor(verdicts, 'deny'), 0, 'warnings do not fail by default')
  t.equal(exitCodeFor(verdicts, 'warn'), 1)
  t.equal(exitCodeFor([...verdicts, 'deny'], 'deny'), 1)
  t.equal(exitCodeFor([...verdicts, 'deny'], 'warn'), 1, 'a deny is worse than a warning')
  t.equal(exitCodeFor([...verdicts, 'deny'], undefined), 0, '--exit-zero')
  t.equal(exitCodeFor(['allow', 'exempt'], 'warn'), 0)
})
