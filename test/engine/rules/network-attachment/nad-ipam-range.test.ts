import t from 'tap'
import { fixture, nad, PAYMENTS, violations } from './helpers.ts'

const ALLOW_PAYMENTS = `rules: { NAD-IPAM-RANGE: { perNamespace: [${PAYMENTS}] } }`
const found = (config: unknown, spec = ALLOW_PAYMENTS, namespace = 'payments') => violations('NAD-IPAM-RANGE', nad(config, namespace), spec)
const messages = (config: unknown, spec?: string, namespace?: string) => found(config, spec, namespace).map((v) => v.message)
const macvlan = (ipam: unknown) => ({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth1', ipam })

t.test('ranges inside the namespace\'s CIDRs pass, in every IPAM form', async (t) => {
  t.same(found(fixture('network-attachment', 'macvlan-whereabouts.json')), [])
  t.same(found(fixture('network-attachment', 'sriov-conflist.json')), [])
  t.same(found(macvlan({ type: 'static', addresses: [{ address: '192.168.50.7/24' }] })), [])
  t.same(found(macvlan({ type: 'dhcp' }), '{}'), [], 'nothing to check without ranges')
})

t.test('a range outside the allowed CIDRs is denied, naming what is allowed', async (t) => {
  const [violation, ...rest] = found(macvlan({ type: 'whereabouts', range: '192.168.60.0/24' }))
  t.same(rest, [])
  t.match(violation, {
    ruleId: 'NAD-IPAM-RANGE',
    action: 'deny',
    path: 'spec.config.ipam.range',
    message: 'spec.config.ipam.range 192.168.60.0/24 is not inside the CIDRs allowed in namespace payments',
    fix: 'use one of: 192.168.50.0/24, fd00:50::/64; or ask a cluster admin to assign this namespace a range'
  })
  t.match(found(fixture('network-attachment', 'macvlan-whereabouts.json'), ALLOW_PAYMENTS, 'shop'), [{
    fix: 'ask a cluster admin to assign this namespace a range'
  }])
})

t.test('the subnet counts, not just the pool: a small pool in a wide subnet is outside', async (t) => {
  t.same(messages(macvlan({ type: 'whereabouts', range: '192.168.50.10-192.168.50.20/23' })), [
    'spec.config.ipam.range 192.168.50.10-192.168.50.20/23 is not inside the CIDRs allowed in namespace payments'
  ])
})

t.test('the cluster and service networks are forbidden even where a wide range is allowed', async (t) => {
  const wide = 'rules: { NAD-IPAM-RANGE: { allowedCidrs: [10.0.0.0/8, 172.16.0.0/12] } }'
  t.same(messages(macvlan({ type: 'host-local', ranges: [[{ subnet: '10.130.0.0/24' }], [{ subnet: '172.30.5.0/24' }]] }), wide), [
    'spec.config.ipam.ranges[0][0].subnet 10.130.0.0/24 overlaps the forbidden range 10.128.0.0/14',
    'spec.config.ipam.ranges[1][0].subnet 172.30.5.0/24 overlaps the forbidden range 172.30.0.0/16'
  ])
  t.match(found(macvlan({ type: 'static', addresses: [{ address: '169.254.169.254/32' }] }), wide), [{ fix: 'use addresses outside 169.254.0.0/16' }])
  t.same(found(macvlan({ type: 'whereabouts', range: '10.20.0.0/16' }), wide), [])
})

t.test('forbidden CIDRs match the cluster when configured', async (t) => {
  const spec = 'rules: { NAD-IPAM-RANGE: { allowedCidrs: [10.0.0.0/8], forbiddenCidrs: [10.100.0.0/16] } }'
  t.same(found(macvlan({ type: 'whereabouts', range: '10.128.0.0/24' }), spec), [])
  t.same(messages(macvlan({ type: 'whereabouts', range: '10.100.9.0/24' }), spec), ['spec.config.ipam.range 10.100.9.0/24 overlaps the forbidden range 10.100.0.0/16'])
})

t.test('every plugin of a conflist and every IPv6 range is checked', async (t) => {
  t.same(messages(fixture('network-attachment', 'whereabouts-ipranges.json')), [
    'spec.config.ipam.range 192.168.70.0/24 is not inside the CIDRs allowed in namespace payments',
    'spec.config.ipam.ipRanges[0].range 192.168.71.0/24 is not inside the CIDRs allowed in namespace payments',
    'spec.config.ipam.ipRanges[1].range fd00:70::/120 is not inside the CIDRs allowed in namespace payments'
  ])
  t.same(messages(fixture('network-attachment', 'ovn-localnet.json'), 'rules: { NAD-IPAM-RANGE: { allowedCidrs: [192.168.60.0/24] } }'), [
    'spec.config.subnets fd00:60::/64 is not inside the CIDRs allowed in namespace payments'
  ])
})

t.test('IPv4-mapped IPv6 cannot hide a forbidden IPv4 range', async (t) => {
  t.same(messages(macvlan({ type: 'static', addresses: [{ address: '::ffff:172.30.0.10/128' }] }), 'rules: { NAD-IPAM-RANGE: { allowedCidrs: ["::/0"] } }'), [
    'spec.config.ipam.addresses[0].address ::ffff:172.30.0.10/128 overlaps the forbidden range 172.30.0.0/16'
  ])
})

t.test('ranges that cannot be read are denied: they cannot be checked', async (t) => {
  t.match(found(macvlan({ type: 'host-local', subnet: '192.168.50.0' })), [{
    path: 'spec.config.ipam.subnet',
    message: 'spec.config.ipam.subnet "192.168.50.0" is not a CIDR such as 192.168.50.0/24',
    fix: 'write subnets and ranges as CIDRs (192.168.50.0/24) and addresses as IPs, inside their subnet'
  }])
})

t.test('bad CIDRs in the policy are reported with their field', async (t) => {
  t.throws(() => found({}, 'rules: { NAD-IPAM-RANGE: { perNamespace: [{ namespaces: [a], cidrs: [10.0.0.0/33] }] } }'), {
    message: /spec\.rules\.NAD-IPAM-RANGE\.perNamespace\[0\]\.cidrs\[0\]: expected a CIDR/
  })
  t.throws(() => found({}, 'rules: { NAD-IPAM-RANGE: { forbiddenCidrs: [nope] } }'), { message: /NAD-IPAM-RANGE\.forbiddenCidrs\[0\]/ })
  t.throws(() => found({}, 'rules: { NAD-IPAM-RANGE: { allowedCidrs: [nope] } }'), { message: /NAD-IPAM-RANGE\.allowedCidrs\[0\]/ })
})
