import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { allow, deny, dns, firewall, type Kind } from './egress.ts'

const found = (egress: unknown, policy = '{}', kind: Kind = 'EgressFirewall') => violationsOf('EFW-ALLOW-WORLD', firewall(egress, kind), policy)
const messages = (egress: unknown, policy = '{}') => found(egress, policy).map((v) => v.message)

t.test('an Allow to 0.0.0.0/0 is denied with the rule and what it admits', async (t) => {
  t.same(found([allow('192.0.2.0/24'), allow('0.0.0.0/0'), deny('0.0.0.0/0')]), [{
    ruleId: 'EFW-ALLOW-WORLD',
    action: 'deny',
    path: 'spec.egress[1].to.cidrSelector',
    message: 'spec.egress[1] allows egress to 4294967040 IPv4 addresses (0.0.0.0/0); at most 16777216 allowed',
    fix: 'allow only the destinations the pods need, then end with a Deny to 0.0.0.0/0'
  }], 'what the first rule allowed is not counted twice')
})

t.test('::/0, IPv4-mapped IPv6 and ports do not hide a world', async (t) => {
  t.match(messages([allow('::/0')]), [/spec\.egress\[0\] allows egress to 4294967296 IPv4 addresses \(::\/0\)/])
  t.match(messages([deny('0.0.0.0/0'), allow('2000::/3')]), [/42535295865117307932921825928971026432 IPv6 addresses \(2000::\/3\)/])
  t.match(messages([allow('::ffff:0:0/96')]), [/4294967296 IPv4 addresses/])
  t.match(messages([allow('0.0.0.0/0', [{ protocol: 'TCP', port: 443 }]), deny('0.0.0.0/0')]), [/spec\.egress\[0\] allows egress to 4294967296 IPv4/], 'the world on one port is still the world')
})

t.test('split worlds add up across rules', async (t) => {
  t.same(found([allow('0.0.0.0/1'), allow('128.0.0.0/1'), deny('0.0.0.0/0')]).map((v) => [v.path, v.message]), [
    ['spec.egress', 'spec.egress[0], [1] allow egress to 4294967296 IPv4 addresses (0.0.0.0/1, 128.0.0.0/1); at most 16777216 allowed']
  ])
  t.match(messages([allow('10.0.0.0/8'), allow('11.0.0.0/8')]), ['spec.egress[0], [1] allow egress to 33554432 IPv4 addresses (10.0.0.0/8, 11.0.0.0/8); at most 16777216 allowed'], 'no rule is too wide alone: all are named')
  t.match(messages([allow('10.0.0.0/8'), allow('0.0.0.0/1'), allow('128.0.0.0/1')]), [/^spec\.egress\[1\], \[2\] allow egress to 4278190080 IPv4 addresses \(0\.0\.0\.0\/1, 128\.0\.0\.0\/1\)/], 'small rules beside the wide ones are left out')
  const quarters = ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'].map((cidr) => allow(cidr))
  t.match(messages(quarters), ['spec.egress[0], [1], [2] and 1 more allow egress to 4294967296 IPv4 addresses (0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/2 and 1 more); at most 16777216 allowed'])
})

t.test('order counts: what an earlier all-ports rule decided cannot be allowed again', async (t) => {
  t.same(found([deny('0.0.0.0/0'), allow('0.0.0.0/0')]), [], 'an Allow after a deny of everything is dead')
  t.same(found([deny('0.0.0.0/1'), deny('128.0.0.0/1'), allow('0.0.0.0/0')]), [])
  t.match(messages([deny('10.0.0.0/8'), allow('0.0.0.0/0')]), [/4278190080 IPv4 addresses/], 'a carved-out world is still world-open')
  t.match(messages([deny('0.0.0.0/0', [{ protocol: 'TCP', port: 22 }]), allow('0.0.0.0/0')]), [/4294967296 IPv4/], 'a deny on some ports decides only those ports')
  t.match(messages([deny('::/0'), allow('0.0.0.0/0')]), [/4294967296 IPv4/], 'Deny ::/0 does not match IPv4')
  t.match(messages([deny('::ffff:0:0/96'), allow('0.0.0.0/0')]), [/4294967296 IPv4/], 'nor does a mapped IPv6 range')
})

t.test('allow-lists up to the limit pass, in both families', async (t) => {
  t.same(found([allow('10.0.0.0/8'), allow('2001:db8::/32'), dns('Allow', 'api.example.com'), deny('0.0.0.0/0'), deny('::/0')]), [])
  t.same(found([allow('10.0.0.0/8'), allow('10.0.0.0/9')]), [], 'overlaps count once')
  t.same(found([allow('10.0.0.0/7')], 'rules: { EFW-ALLOW-WORLD: { broadestAllowRange: { ipv4: 7, ipv6: 32 } } }'), [])
  t.match(found([allow('10.0.0.0/16')], 'rules: { EFW-ALLOW-WORLD: { broadestAllowRange: { ipv4: 24, ipv6: 64 } } }'), [{ path: 'spec.egress[0].to.cidrSelector' }])
})

t.test('rules it cannot read are EFW-LIMIT\'s business, wrong types a finding of their own; nothing throws', async (t) => {
  t.same(found([allow('everything'), { type: 'Permit', to: { cidrSelector: '0.0.0.0/0' } }, null, 'x', { type: 'Allow' }]).map((v) => v.message), [
    'spec.egress[3] is the string "x"; expected an object'
  ])
  t.same(found('not a list').map((v) => v.message), ['spec.egress is the string "not a list"; expected a list'])
  t.same(found(undefined), [])
})

t.test('the OpenShift SDN EgressNetworkPolicy is judged the same way', async (t) => {
  t.match(found([allow('0.0.0.0/0')], '{}', 'EgressNetworkPolicy'), [{ ruleId: 'EFW-ALLOW-WORLD', path: 'spec.egress[0].to.cidrSelector' }])
  t.same(found([allow('192.0.2.0/24'), deny('0.0.0.0/0')], '{}', 'EgressNetworkPolicy'), [])
})
