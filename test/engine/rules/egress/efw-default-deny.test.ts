import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { allow, deny, dns, firewall, type Kind } from './egress.ts'

const found = (egress: unknown, policy = '{}', kind: Kind = 'EgressFirewall') => violationsOf('EFW-DEFAULT-DENY', firewall(egress, kind), policy)
const IPV6 = (mode: string) => `rules: { EFW-DEFAULT-DENY: { ipv6: ${mode} } }`

t.test('a firewall without a final deny of everything warns', async (t) => {
  t.same(found([allow('192.0.2.0/24')]), [{
    ruleId: 'EFW-DEFAULT-DENY',
    action: 'warn',
    path: 'spec.egress',
    message: 'spec.egress does not end with a Deny to 0.0.0.0/0, so egress that no rule matches is allowed',
    fix: 'add {type: Deny, to: {cidrSelector: 0.0.0.0/0}} as the last rules'
  }])
  t.equal(found([]).length, 1, 'no rules at all allow everything')
  t.equal(found(undefined).length, 1)
})

t.test('a final Deny 0.0.0.0/0, or all-ports rules that decide every address, pass', async (t) => {
  t.same(found([allow('192.0.2.0/24'), dns('Allow', 'api.example.com'), deny('0.0.0.0/0')]), [])
  t.same(found([allow('192.0.2.0/24'), deny('0.0.0.0/1'), deny('128.0.0.0/1')]), [], 'a split world')
  t.same(found([deny('0.0.0.0/0'), allow('192.0.2.0/24')]), [], 'rules after the catch-all are dead, not open')
  t.same(found([allow('0.0.0.0/0')]), [], 'an Allow of everything leaves nothing to a default: EFW-ALLOW-WORLD refuses it')
})

t.test('what does not decide every address is no catch-all', async (t) => {
  t.equal(found([allow('192.0.2.0/24'), deny('0.0.0.0/0', [{ protocol: 'TCP', port: 443 }])]).length, 1, 'a deny on some ports')
  t.equal(found([allow('192.0.2.0/24'), dns('Deny', '*.example.com')]).length, 1, 'a DNS name')
  t.equal(found([allow('192.0.2.0/24'), { type: 'Deny', to: { nodeSelector: {} } }]).length, 1, 'a node selector')
  t.equal(found([deny('0.0.0.0/0', [{ port: 1 }]), deny('10.0.0.0/8')]).length, 1)
  t.equal(found([deny('::/0')], IPV6('never')).length, 1, 'Deny ::/0 denies no IPv4')
  t.equal(found([deny('::ffff:0:0/96')], IPV6('never')).length, 1, 'nor does a mapped IPv6 range')
  t.equal(found([deny('not-a-cidr'), { type: 'Reject', to: { cidrSelector: '0.0.0.0/0' } }]).length, 1, 'unreadable rules decide nothing')
})

t.test('IPv6: required when the firewall names IPv6 ranges, by default', async (t) => {
  t.same(found([allow('2001:db8::/32'), deny('0.0.0.0/0')]).map((v) => [v.message, v.fix]), [[
    'spec.egress does not end with a Deny to ::/0, so egress that no rule matches is allowed',
    'add {type: Deny, to: {cidrSelector: ::/0}} as the last rules'
  ]])
  t.same(found([allow('2001:db8::/32'), deny('0.0.0.0/0'), deny('::/0')]), [])
  t.same(found([allow('2001:db8::/32')]).map((v) => v.message), ['spec.egress does not end with a Deny to 0.0.0.0/0 and ::/0, so egress that no rule matches is allowed'])
  t.same(found([allow('192.0.2.0/24'), deny('0.0.0.0/0')]), [], 'an IPv4-only firewall needs no IPv6 deny')
  t.match(found([allow('::ffff:192.0.2.0/120'), deny('0.0.0.0/0')]), [{ message: /Deny to ::\/0/ }], 'a range written in IPv6 counts as IPv6 in use')
})

t.test('IPv6: always (dual-stack clusters) and never (IPv4-only clusters)', async (t) => {
  t.match(found([deny('0.0.0.0/0')], IPV6('always')), [{ message: /Deny to ::\/0,/ }])
  t.same(found([deny('0.0.0.0/0'), deny('::/0')], IPV6('always')), [])
  t.same(found([allow('2001:db8::/32'), deny('0.0.0.0/0')], IPV6('never')), [])
  t.throws(() => found([], IPV6('sometimes')), { code: 'NG_ERR_POLICY_INVALID' })
})

t.test('EgressNetworkPolicy (OpenShift SDN is IPv4-only) never needs ::/0', async (t) => {
  t.same(found([allow('192.0.2.0/24'), deny('0.0.0.0/0')], IPV6('always'), 'EgressNetworkPolicy'), [])
  t.equal(found([allow('192.0.2.0/24')], '{}', 'EgressNetworkPolicy').length, 1)
})

t.test('the action can be raised to deny', async (t) => {
  t.match(found([allow('192.0.2.0/24')], 'rules: { EFW-DEFAULT-DENY: { action: deny } }'), [{ action: 'deny' }])
})
