import t from 'tap'
import { AddressSet, isIpLiteral, parseAddress, parseCidr, prefixSize, type Cidr } from '../../../src/engine/net/address-set.ts'

const cidr = (text: string): Cidr => {
  const parsed = parseCidr(text)
  if (parsed === undefined) throw new Error(`test CIDR ${text} does not parse`)
  return parsed
}
const set = (...texts: string[]): AddressSet => AddressSet.of(texts.map(cidr))
const WORLD4 = 2n ** 32n
const WORLD6 = 2n ** 128n

t.test('parses IPv4 and IPv6 CIDRs and bare addresses, masking host bits', async (t) => {
  t.match(parseCidr('10.1.2.3/8'), { family: 4, start: 0x0a000000n, prefix: 8, text: '10.1.2.3/8' })
  t.match(parseCidr('192.0.2.7'), { family: 4, prefix: 32 })
  t.match(parseCidr('2001:db8::1/32'), { family: 6, start: 0x20010db8n << 96n, prefix: 32 })
  t.match(parseCidr('::'), { family: 6, start: 0n, prefix: 128 })
  t.match(parseCidr(' 10.0.0.0/8 '), { text: '10.0.0.0/8' }, 'surrounding blanks are trimmed')
  t.match(parseAddress('2001:db8::1'), { family: 6, prefix: 128 })
  t.equal(parseAddress('10.0.0.0/8'), undefined, 'an address is not a range')
})

t.test('invalid input is undefined, never an exception', async (t) => {
  for (const text of ['', 'ten', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/8/8', '10.0.0.0/-1', '10.0.0.0/', '/8', '300.0.0.0/8', '1.2.3.4.5', 'fe80::1%eth0/64', '10.0.0.0/8x', ':::/0']) {
    t.equal(parseCidr(text), undefined, JSON.stringify(text))
  }
})

t.test('only the notation Kubernetes reads: no octal, hex, integer or short IPv4', async (t) => {
  // ipaddr.js would read 010.0.0.0 as 8.0.0.0 where Kubernetes reads 10.0.0.0.
  for (const text of ['010.0.0.0/8', '0xa.0.0.0/8', '167772160/8', '10.1/16', '::ffff:010.0.0.1', '::ffff:0x0a.0.0.1/128']) {
    t.equal(parseCidr(text), undefined, text)
  }
  t.match(parseCidr('0.0.0.0/0'), { family: 4, prefix: 0 }, 'a lone zero is fine')
  t.match(parseCidr('::ffff:10.0.0.1/128'), { family: 6 }, 'embedded dotted IPv4 in plain notation is fine')
})

t.test('isIpLiteral takes every spelling a resolver could read as an address', async (t) => {
  for (const text of ['127.0.0.1', '0x7f.0.0.1', '2130706433', '127.1', '010.0.0.1', '::1', 'fe80::1%eth0']) t.ok(isIpLiteral(text), text)
  for (const text of ['example.com', '10.0.0.0/8', '', 'localhost']) t.notOk(isIpLiteral(text), text)
})

t.test('split worlds add up to the world', async (t) => {
  const halves = set('0.0.0.0/1', '128.0.0.0/1')
  t.equal(halves.size(4), WORLD4)
  t.same(halves.v4, [{ start: 0n, end: WORLD4 - 1n }], 'adjacent halves merge into one interval')
  t.equal(set('::/1', '8000::/1').size(6) + set('::/1').size(4), WORLD6, 'the IPv6 halves, with the mapped block counted as IPv4')
  const quarters = set('0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2')
  t.ok(quarters.covers(set('0.0.0.0/0')))
})

t.test('overlapping ranges count once', async (t) => {
  t.equal(set('10.0.0.0/8', '10.1.0.0/16', '10.0.0.0/8').size(4), prefixSize(4, 8))
  t.equal(set('10.0.0.0/9', '10.0.0.0/8').size(4), prefixSize(4, 8))
})

t.test('except carve-outs subtract, and a carved world stays large', async (t) => {
  const carved = set('0.0.0.0/0').minus(set('10.0.0.0/8'))
  t.equal(carved.size(4), 4278190080n)
  t.notOk(carved.overlaps(set('10.1.2.3')))
  t.ok(carved.overlaps(set('11.0.0.0/8')))
  t.equal(set('10.0.0.0/8').minus(set('10.0.0.0/8')).isEmpty, true, 'carving everything leaves nothing')
  t.equal(set('10.0.0.0/8').minus(set('0.0.0.0/0')).isEmpty, true, 'carving more than the range leaves nothing')
  const holes = set('10.0.0.0/8').minus(set('10.1.0.0/16', '10.3.0.0/16'))
  t.equal(holes.size(4), prefixSize(4, 8) - 2n * prefixSize(4, 16))
  t.equal(holes.v4.length, 3, 'two holes leave three pieces')
  t.equal(set('10.0.0.0/8').minus(set('11.0.0.0/8', '9.0.0.0/8')).size(4), prefixSize(4, 8), 'cuts beside the range change nothing')
  t.equal(set('10.0.0.0/8').minus(set('2001:db8::/32')).size(4), prefixSize(4, 8), 'an IPv6 except does not cut IPv4')
})

t.test('IPv4-mapped IPv6 is counted as IPv4', async (t) => {
  const mapped = set('::ffff:0:0/96')
  t.equal(mapped.size(4), WORLD4)
  t.equal(mapped.size(6), 0n)
  t.same(set('::ffff:10.0.0.0/104').v4, set('10.0.0.0/8').v4)
  t.ok(set('10.0.0.0/8').covers(set('::ffff:10.1.2.3')), 'a mapped address is inside its IPv4 range')
  const world6 = set('::/0')
  t.equal(world6.size(4), WORLD4, '::/0 contains the mapped block, so it admits all of IPv4 too')
  t.equal(world6.size(6), WORLD6 - WORLD4)
  t.equal(set('::/0').minus(set('0.0.0.0/0')).size(4), 0n, 'an IPv4 except removes the mapped block of ::/0')
  t.equal(set('::fffe:0:0/96').size(4), 0n, '::fffe:0:0/96 ends just before the mapped block')
  t.equal(set('::1:0:0:0/96').size(4), 0n, '::1:0:0:0/96 starts just after it')
  const across = set('::ff00:0:0/88')
  t.equal(across.size(4), WORLD4, 'a range spanning the mapped block contributes all of IPv4')
  t.equal(across.size(6), prefixSize(6, 88) - WORLD4)
})

t.test('narrow sets leave the IPv4-mapped part of IPv6 ranges out', async (t) => {
  const narrow = (...texts: string[]) => AddressSet.narrow(texts.map(cidr))
  t.equal(narrow('::/0').size(4), 0n, '::/0 denies no IPv4 packet')
  t.equal(narrow('::/0').size(6), WORLD6 - WORLD4)
  t.ok(narrow('::ffff:0:0/96').isEmpty)
  t.equal(narrow('10.0.0.0/8', '2001:db8::/32').size(4), prefixSize(4, 8))
  t.equal(narrow('10.0.0.0/8', '2001:db8::/32').size(6), prefixSize(6, 32))
  t.equal(set('0.0.0.0/0').minus(narrow('::ffff:0:0/96')).size(4), WORLD4, 'an IPv6-written except cuts nothing from IPv4')
})

t.test('mixed families stay apart', async (t) => {
  const mixed = set('10.0.0.0/8', '2001:db8::/32')
  t.equal(mixed.size(4), prefixSize(4, 8))
  t.equal(mixed.size(6), prefixSize(6, 32))
  t.notOk(set('10.0.0.0/8').overlaps(set('2001:db8::/32')))
  t.notOk(set('10.0.0.0/8').covers(mixed), 'an IPv4 set does not cover an IPv6 range')
  t.ok(mixed.covers(set('10.9.9.9', '2001:db8:1::1')))
  t.ok(AddressSet.EMPTY.isEmpty)
  t.ok(mixed.covers(AddressSet.EMPTY))
  t.notOk(mixed.union(AddressSet.EMPTY).isEmpty)
})

t.test('overlaps walks both interval lists', async (t) => {
  const many = set('1.0.0.0/8', '3.0.0.0/8', '5.0.0.0/8')
  t.ok(many.overlaps(set('5.5.5.5')))
  t.notOk(many.overlaps(set('2.0.0.0/8', '4.0.0.0/8', '6.0.0.0/8')))
  t.ok(set('2001:db8::/32').overlaps(set('2001:db8:ffff::/48')))
})
