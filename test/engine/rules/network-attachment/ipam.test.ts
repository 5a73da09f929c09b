import t from 'tap'
import { parseCniConfig, type IpamRange } from '../../../../src/engine/rules/network-attachment/cni-config.ts'
import { AddressSet, parseCidr, type Cidr } from '../../../../src/engine/net/address-set.ts'
import { fixture } from './helpers.ts'

const set = (...texts: string[]) => AddressSet.of(texts.map((text) => parseCidr(text) as Cidr))
const withIpam = (ipam: unknown) => parseCniConfig(JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', ipam }))
const ranges = (ipam: unknown): IpamRange[] => withIpam(ipam).plugins.flatMap((plugin) => [...plugin.ranges])
const rangeProblems = (ipam: unknown) => withIpam(ipam).rangeProblems.map((problem) => problem.message)

t.test('host-local ranges: range sets of subnets, narrowed by rangeStart / rangeEnd', async (t) => {
  const [v4, v6] = parseCniConfig(JSON.stringify(fixture('network-attachment', 'sriov-conflist.json'))).plugins[0]?.ranges ?? []
  t.match(v4, { path: 'spec.config.plugins[0].ipam.ranges[0][0].subnet', text: '192.168.50.0/24' })
  t.same(v4?.subnet, set('192.168.50.0/24'))
  t.equal(v4?.pool.size(4), 50n)
  t.ok(v4?.pool.covers(set('192.168.50.100', '192.168.50.149')))
  t.notOk(v4?.pool.overlaps(set('192.168.50.99', '192.168.50.150')))
  t.match(v6, { path: 'spec.config.plugins[0].ipam.ranges[1][0].subnet', text: 'fd00:50::/64' })
  t.same(v6?.pool, set('fd00:50::/64'))
})

t.test('host-local legacy top-level subnet', async (t) => {
  const [range] = ranges({ type: 'host-local', subnet: '10.10.0.0/16', rangeStart: '10.10.1.0', rangeEnd: '10.10.1.255' })
  t.match(range, { path: 'spec.config.ipam.subnet', text: '10.10.0.0/16' })
  t.same(range?.pool, set('10.10.1.0/24'))
})

t.test('static addresses: the subnet is the network, the pool the address', async (t) => {
  const [v4, v6] = parseCniConfig(JSON.stringify(fixture('network-attachment', 'bridge-trunk.json'))).plugins[0]?.ranges ?? []
  t.match(v4, { path: 'spec.config.ipam.addresses[0].address', text: '192.168.100.10/24' })
  t.same(v4?.subnet, set('192.168.100.0/24'))
  t.same(v4?.pool, set('192.168.100.10'))
  t.same(v6?.pool, set('fd00:100::10'))
  const [bare] = ranges({ type: 'static', addresses: [{ address: '10.0.0.7' }] })
  t.same(bare?.subnet, set('10.0.0.7'))
})

t.test('whereabouts range: a CIDR with range_start / range_end, exclusions taken out', async (t) => {
  const [main, second, v6] = parseCniConfig(JSON.stringify(fixture('network-attachment', 'whereabouts-ipranges.json'))).plugins[0]?.ranges ?? []
  t.match(main, { path: 'spec.config.ipam.range', text: '192.168.70.0/24' })
  t.same(main?.subnet, set('192.168.70.0/24'))
  t.equal(main?.pool.size(4), 10n)
  t.match(second, { path: 'spec.config.ipam.ipRanges[0].range' })
  t.same(second?.pool, set('192.168.71.128/25'))
  t.match(v6, { path: 'spec.config.ipam.ipRanges[1].range', text: 'fd00:70::/120' })
  t.equal(v6?.pool.size(6), 256n)
})

t.test('whereabouts range start-end/prefix is an interval inside the prefix, not a CIDR', async (t) => {
  const [range] = parseCniConfig(JSON.stringify(fixture('network-attachment', 'macvlan-whereabouts.json'))).plugins[0]?.ranges ?? []
  t.match(range, { text: '192.168.50.10-192.168.50.99/24' })
  t.same(range?.subnet, set('192.168.50.0/24'))
  // .10-.99 is 90 addresses; .64/28 (16 of them) is excluded.
  t.equal(range?.pool.size(4), 74n)
  t.notOk(range?.pool.overlaps(set('192.168.50.9', '192.168.50.100', '192.168.50.70')))
  const [host] = ranges({ type: 'whereabouts', range: '192.168.2.225/28' })
  t.same(host?.pool, set('192.168.2.224/28'))
})

t.test('OVN-Kubernetes subnets, layer3 host prefixes and excludeSubnets', async (t) => {
  const [v4, v6] = parseCniConfig(JSON.stringify(fixture('network-attachment', 'ovn-localnet.json'))).plugins[0]?.ranges ?? []
  t.match(v4, { path: 'spec.config.subnets', text: '192.168.60.0/24' })
  t.equal(v4?.pool.size(4), 248n)
  t.match(v6, { text: 'fd00:60::/64' })
  const layer3 = parseCniConfig(JSON.stringify({ cniVersion: '1.0.0', type: 'ovn-k8s-cni-overlay', subnets: '10.200.0.0/16/24' }))
  t.same(layer3.plugins[0]?.ranges[0]?.subnet, set('10.200.0.0/16'))
  const other = parseCniConfig(JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', subnets: '10.200.0.0/16' }))
  t.same(other.plugins[0]?.ranges, [], 'subnets means nothing to other plugins')
})

t.test('the config pool joins every plugin\'s ranges', async (t) => {
  const config = parseCniConfig(JSON.stringify(fixture('network-attachment', 'sriov-conflist.json')))
  t.equal(config.pool.size(4), 50n)
  t.equal(config.pool.size(6), 1n << 64n)
})

t.test('unreadable ranges are problems with their field, never exceptions', async (t) => {
  t.same(rangeProblems({ type: 'host-local', ranges: 'x' }), ['spec.config.ipam.ranges is not a list of range sets'])
  t.same(rangeProblems({ type: 'host-local', ranges: [{}] }), ['spec.config.ipam.ranges[0] is not a list of ranges'])
  t.same(rangeProblems({ type: 'host-local', ranges: [[42]] }), ['spec.config.ipam.ranges[0][0] is not an object with a subnet'])
  t.same(rangeProblems({ type: 'host-local', ranges: [[{ subnet: '10.0.0.1' }]] }), ['spec.config.ipam.ranges[0][0].subnet "10.0.0.1" is not a CIDR such as 192.168.50.0/24'])
  t.same(rangeProblems({ type: 'host-local', subnet: '10.0.0.0/24', rangeStart: 'ten' }), ['spec.config.ipam.rangeStart "ten" is not an IP address'])
  t.same(rangeProblems({ type: 'host-local', subnet: '10.0.0.0/24', rangeEnd: '10.0.1.1' }), ['spec.config.ipam.rangeEnd 10.0.1.1 is outside 10.0.0.0/24'])
  t.same(rangeProblems({ type: 'host-local', subnet: '10.0.0.0/24', rangeStart: '10.0.0.9', rangeEnd: '10.0.0.2' }), ['spec.config.ipam.rangeEnd comes before rangeStart'])
  t.same(rangeProblems({ type: 'static', addresses: {} }), ['spec.config.ipam.addresses is not a list'])
  t.same(rangeProblems({ type: 'static', addresses: [{ address: 'x/24' }, {}] }), [
    'spec.config.ipam.addresses[0].address "x/24" is not an address such as 10.10.0.1/24',
    'spec.config.ipam.addresses[1].address is missing'
  ])
  t.same(rangeProblems({ type: 'whereabouts', range: 7 }), ['spec.config.ipam.range 7 is not a CIDR such as 192.168.50.0/24'])
  t.same(rangeProblems({ type: 'whereabouts', range: '10.0.0.5-10.0.0.x/24' }), ['spec.config.ipam.range "10.0.0.5-10.0.0.x/24" is not a range such as 192.168.2.225-192.168.2.230/28'])
  t.same(rangeProblems({ type: 'whereabouts', range: '10.0.1.5-10.0.0.9/24' }), ['spec.config.ipam.range 10.0.1.5-10.0.0.9/24 starts outside 10.0.0.9/24'])
  t.same(rangeProblems({ type: 'whereabouts', range: '10.0.0.9-10.0.0.5/24' }), ['spec.config.ipam.range 10.0.0.9-10.0.0.5/24 ends before it starts'])
  t.same(rangeProblems({ type: 'whereabouts', range: '10.0.0.0/24', range_start: '10.0.0.1', exclude: ['nope'] }), ['spec.config.ipam.exclude[0] "nope" is not a CIDR such as 192.168.50.0/24'])
  t.same(rangeProblems({ type: 'whereabouts', ipRanges: [5] }), ['spec.config.ipam.ipRanges[0] is not an object with a range'])
  t.same(parseCniConfig(JSON.stringify({ cniVersion: '1', type: 'ovn-k8s-cni-overlay', subnets: ['10.0.0.0/8'], excludeSubnets: '10.0.0.0/33' }))
    .rangeProblems.map((problem) => problem.message), [
    'spec.config.subnets ["10.0.0.0/8"] is not a comma-separated list of CIDRs',
    'spec.config.excludeSubnets entry "10.0.0.0/33" is not a CIDR'
  ])
  t.same(parseCniConfig(JSON.stringify({ cniVersion: '1', type: 'ovn-k8s-cni-overlay', subnets: '10.0.0.0/8, banana' }))
    .rangeProblems.map((problem) => problem.message), ['spec.config.subnets entry "banana" is not a CIDR'])
})

t.test('a readable range survives next to an unreadable one', async (t) => {
  const parsed = withIpam({ type: 'host-local', ranges: [[{ subnet: 'bad' }, { subnet: '10.9.0.0/24' }]] })
  t.equal(parsed.rangeProblems.length, 1)
  t.same(parsed.plugins[0]?.ranges.map((range) => range.text), ['10.9.0.0/24'])
})
