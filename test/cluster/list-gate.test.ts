import t from 'tap'
import { ListGate } from '../../src/cluster/list-all.ts'

t.test('one list at a time, in the order asked; a slot is handed on when a list fails', async (t) => {
  const gate = new ListGate(1)
  const order: string[] = []
  let running = 0
  let most = 0
  const list = (name: string, fail = false) => async (): Promise<string> => {
    running++
    most = Math.max(most, running)
    order.push(`start ${name}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
    running--
    if (fail) throw new Error(`${name} failed`)
    return name
  }
  const results = await Promise.allSettled([gate.run(list('a')), gate.run(list('b', true)), gate.run(list('c'))])
  t.equal(most, 1)
  t.same(order, ['start a', 'start b', 'start c'])
  t.same(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled'])
  t.equal(await gate.run(list('d')), 'd', 'the slot is free again')
})

t.test('a waiter whose signal aborts leaves the queue without listing', async (t) => {
  const gate = new ListGate(1)
  let release: () => void = () => {}
  const first = gate.run(async () => await new Promise<void>((resolve) => { release = resolve }))
  const abort = new AbortController()
  let ran = false
  const waiting = gate.run(async () => { ran = true }, abort.signal)
  abort.abort(new Error('informer stopped'))
  await t.rejects(waiting, /informer stopped/)
  release()
  await first
  t.equal(ran, false)
  await t.rejects(gate.run(async () => { ran = true }, abort.signal), /informer stopped/, 'already aborted: not run, even with a free slot')
  t.equal(ran, false)
  t.equal(await gate.run(async () => 'free'), 'free')
})
