import t from 'tap'
import { Gate } from '../../src/admission/gate.ts'

t.test('holders up to the slot count; the rest wait in order and get a slot when one is released', async (t) => {
  const gate = new Gate(2)
  const first = await gate.enter(1000)
  const second = await gate.enter(1000)
  t.ok(first !== undefined && second !== undefined)
  const order: string[] = []
  const third = gate.enter(1000).then((release) => { order.push('third'); return release })
  const fourth = gate.enter(1000).then((release) => { order.push('fourth'); return release })
  t.equal(gate.waiting, 2)
  first?.()
  first?.() // a second release of the same holder frees nothing more
  t.ok(await third)
  t.same(order, ['third'])
  t.equal(gate.waiting, 1)
  second?.()
  t.ok(await fourth)
  t.same(order, ['third', 'fourth'])
})

t.test('a waiter gives up after its wait and leaves the queue', async (t) => {
  const gate = new Gate(1)
  const held = await gate.enter(1000)
  const started = Date.now()
  t.equal(await gate.enter(50), undefined)
  t.ok(Date.now() - started >= 45)
  t.equal(gate.waiting, 0)
  held?.()
  t.ok(await gate.enter(0), 'the slot is free again')
})

t.test('a gate without a slot is a programming error', async (t) => {
  t.throws(() => new Gate(0), RangeError)
})
