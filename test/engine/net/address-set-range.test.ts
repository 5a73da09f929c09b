import t from 'tap'
import { AddressSet, parseAddress, parseCidr, type Cidr } from '../../../src/engine/net/address-set.ts'

const address = (text: string): Cidr => parseAddress(text) as Cidr
const cidrs = (...texts: string[]) => AddressSet.of(texts.map((text) => parseCidr(text) as Cidr))
const range = (first: string, last: string) => AddressSet.ofRange(address(first), address(last))

t.test('an IPv4 range is an inclusive interval, not a CIDR', async (t) => {
  const set = range('192.168.2.225', '192.168.2.230') as AddressSet
  t.equal(set.size(4), 6n)
  t.ok(set.covers(cidrs('192.168.2.225', '192.168.2.230')))
  t.notOk(set.overlaps(cidrs('192.168.2.224', '192.168.2.231')))
  t.ok(cidrs('192.168.2.224/28').covers(set))
  t.notOk(cidrs('192.168.2.228/30').covers(set))
})

t.test('a range of one address, and ranges across octet and prefix boundaries', async (t) => {
  t.equal(range('10.0.0.1', '10.0.0.1')?.size(4), 1n)
  t.equal(range('10.0.0.255', '10.0.1.0')?.size(4), 2n)
  t.equal(range('0.0.0.0', '255.255.255.255')?.size(4), 1n << 32n)
})

t.test('IPv6 ranges, and IPv4-mapped IPv6 ranges folded into IPv4', async (t) => {
  const v6 = range('2001:db8::10', '2001:db8::1f') as AddressSet
  t.equal(v6.size(6), 16n)
  t.equal(v6.size(4), 0n)
  t.ok(cidrs('2001:db8::/64').covers(v6))
  const mapped = range('::ffff:10.0.0.1', '::ffff:10.0.0.4') as AddressSet
  t.equal(mapped.size(4), 4n)
  t.equal(mapped.size(6), 0n)
  t.ok(mapped.overlaps(cidrs('10.0.0.4')))
})

t.test('a range straddling the IPv4-mapped block is split between the families', async (t) => {
  const set = range('::fffe:ffff:ffff', '::ffff:0:1') as AddressSet
  t.equal(set.size(6), 1n)
  t.equal(set.size(4), 2n)
})

t.test('a CIDR as the last bound extends to its last address', async (t) => {
  const set = AddressSet.ofRange(address('10.0.0.5'), parseCidr('10.0.0.0/24') as Cidr) as AddressSet
  t.equal(set.size(4), 251n)
})

t.test('backwards ranges and mixed families are undefined', async (t) => {
  t.equal(range('10.0.0.5', '10.0.0.4'), undefined)
  t.equal(range('10.0.0.1', '2001:db8::1'), undefined)
})

t.test('the existing API is unchanged: union, minus and covers work with ranges', async (t) => {
  const set = (range('10.0.0.0', '10.0.0.9') as AddressSet).union(range('10.0.0.10', '10.0.0.19') as AddressSet)
  t.same(set.v4, [{ start: 0x0a000000n, end: 0x0a000013n }])
  t.equal(set.minus(cidrs('10.0.0.0/29')).size(4), 12n)
})
