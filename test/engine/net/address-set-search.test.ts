import t from 'tap'
import { AddressSet, parseCidr, type Cidr } from '../../../src/engine/net/address-set.ts'

// covers and overlaps look the other set's intervals up by binary search (policies of 10,000
// ranges); checked here against address-by-address answers on sets small enough to enumerate.

/** A deterministic pseudo-random sequence, so that a failure can be replayed. */
function random (seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31
  }
}

function cidrs (next: () => number, count: number): Cidr[] {
  return Array.from({ length: count }, () => {
    const prefix = 26 + Math.floor(next() * 7)
    const address = Math.floor(next() * 1024)
    return parseCidr(`10.0.${address >> 8}.${address & 255}/${prefix}`) as Cidr
  })
}

function addresses (set: readonly Cidr[]): Set<bigint> {
  const all = new Set<bigint>()
  for (const cidr of set) for (let offset = 0n; offset < 1n << BigInt(32 - cidr.prefix); offset++) all.add(cidr.start + offset)
  return all
}

t.test('covers and overlaps agree with counting addresses, on 500 random pairs', async (t) => {
  const next = random(42)
  let covered = 0
  let overlapping = 0
  for (let round = 0; round < 500; round++) {
    const big = cidrs(next, 1 + Math.floor(next() * 40))
    const small = cidrs(next, 1 + Math.floor(next() * 3))
    const inBig = addresses(big)
    const inSmall = [...addresses(small)]
    const covers = inSmall.every((address) => inBig.has(address))
    const overlaps = inSmall.some((address) => inBig.has(address))
    covered += covers ? 1 : 0
    overlapping += overlaps ? 1 : 0
    const [bigSet, smallSet] = [AddressSet.of(big), AddressSet.of(small)]
    if (bigSet.covers(smallSet) !== covers || bigSet.overlaps(smallSet) !== overlaps || smallSet.overlaps(bigSet) !== overlaps) {
      t.fail(`round ${round}: ${big.map((cidr) => cidr.text).join(' ')} vs ${small.map((cidr) => cidr.text).join(' ')}`)
      return
    }
  }
  t.ok(covered > 20 && overlapping > covered && overlapping < 490, `both answers seen: ${covered} covered, ${overlapping} overlapping`)
})
