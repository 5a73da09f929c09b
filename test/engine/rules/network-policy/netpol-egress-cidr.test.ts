import t from 'tap'
import { netpolEgressCidr } from '../../../../src/engine/rules/network-policy/netpol-egress-cidr.ts'
import { contextFor } from '../../../helpers/policy.ts'
import { ipBlock, networkPolicy, violationsOf } from './netpol.ts'

const egressTo = (...to: unknown[]) => ({ policyTypes: ['Egress'], egress: [{ to, ports: [{ port: 5432 }] }] })
const found = (spec: Record<string, unknown>, policy = '{}', options = {}) => violationsOf('NETPOL-EGRESS-CIDR', networkPolicy(spec), policy, options)
const APPROVED = `rules:
  NETGUARD-RULE:
    approvedCidrs: ["192.0.2.0/24", "2001:db8:1::/48"]
    namespaceCidrs:
      - namespaces: ["shop", "pay-*"]
        cidrs: ["198.51.100.0/24"]`.replace('NETGUARD-RULE', 'NETPOL-EGRESS-CIDR')

t.test('an egress rule with no to allows every destination: a warning', async (t) => {
  t.same(found({ egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }), [{
    ruleId: 'NETPOL-EGRESS-CIDR',
    action: 'warn',
    path: 'spec.egress[0]',
    message: 'spec.egress[0] has no to: it allows egress anywhere',
    fix: 'list the destinations in spec.egress[0].to'
  }])
  t.equal(found({ egress: [{ to: [] }] }).length, 1)
})

t.test('world-open egress ipBlocks, however spelled', async (t) => {
  t.same(found(egressTo(ipBlock('0.0.0.0/0', '10.0.0.0/8'))).map((v) => [v.path, v.message]), [
    ['spec.egress[0].to', 'spec.egress[0].to admits 4278190080 IPv4 addresses (0.0.0.0/0 except 10.0.0.0/8); at most 16777216 allowed']
  ])
  t.match(found(egressTo(ipBlock('0.0.0.0/1'), ipBlock('128.0.0.0/1'))), [{ message: /4294967296 IPv4/ }])
  t.match(found(egressTo(ipBlock('::ffff:0:0/96'))), [{ message: /4294967296 IPv4/ }])
  t.match(found(egressTo(ipBlock('::/0', '::ffff:0:0/96'))), [{ message: /4294967296 IPv4 addresses \(::\/0 except ::ffff:0:0\/96\)/ }], 'an IPv6-written except never cuts IPv4')
  t.match(found(egressTo(ipBlock('2000::/3', '2001:db8::/32'))), [{ message: /IPv6 addresses \(2000::\/3 except 2001:db8::\/32\)/ }])
  t.same(found(egressTo(ipBlock('10.0.0.0/8'), ipBlock('2001:db8::/32'))), [], 'the default approves everything up to the size limit')
  t.same(found(egressTo(ipBlock('10.0.0.0/6')), 'rules: { NETPOL-EGRESS-CIDR: { broadestEgressRange: { ipv4: 6, ipv6: 32 } } }'), [])
})

t.test('ipBlocks must lie inside the approved CIDRs: global and per namespace', async (t) => {
  t.same(found(egressTo(ipBlock('192.0.2.10/32'), ipBlock('2001:db8:1:2::/64')), APPROVED), [])
  t.same(found(egressTo(ipBlock('198.51.100.7/32')), APPROVED), [], 'the namespace\'s own CIDRs')
  t.same(found(egressTo(ipBlock('198.51.100.7/32')), APPROVED, { namespace: 'pay-eu' }), [])
  t.same(found(egressTo({ podSelector: {} }, ipBlock('198.51.100.7/32'), ipBlock('203.0.113.0/24')), APPROVED, { namespace: 'other' }).map((v) => [v.path, v.message]), [
    ['spec.egress[0].to[1].ipBlock', 'spec.egress[0].to[1].ipBlock 198.51.100.7/32 is outside the approved egress CIDRs of namespace other'],
    ['spec.egress[0].to[2].ipBlock', 'spec.egress[0].to[2].ipBlock 203.0.113.0/24 is outside the approved egress CIDRs of namespace other']
  ])
  t.match(found(egressTo(ipBlock('192.0.2.0/23')), APPROVED), [{ path: 'spec.egress[0].to[0].ipBlock', fix: 'use an approved destination, or ask a cluster admin to approve the range' }], 'half outside is outside')
})

t.test('an except can bring a block inside the approved CIDRs', async (t) => {
  t.same(found(egressTo(ipBlock('192.0.2.0/23', '192.0.3.0/24')), APPROVED), [])
})

t.test('IPv4-mapped and mixed families against the approved CIDRs', async (t) => {
  t.same(found(egressTo(ipBlock('::ffff:192.0.2.0/120')), APPROVED), [], 'mapped IPv4 inside an approved IPv4 range')
  t.match(found(egressTo(ipBlock('::ffff:203.0.113.0/120')), APPROVED), [{ message: /::ffff:203\.0\.113\.0\/120 is outside/ }])
  t.match(found(egressTo(ipBlock('2001:db8:2::/48')), APPROVED), [{ message: /2001:db8:2::\/48 is outside/ }])
  t.match(found(egressTo(ipBlock('192.0.2.0/24', '::1/128')), APPROVED), [], 'an except of the other family changes nothing')
})

t.test('a world-open rule is reported once, not once more per block', async (t) => {
  t.same(found(egressTo(ipBlock('0.0.0.0/0')), APPROVED).map((v) => v.path), ['spec.egress[0].to'])
})

t.test('unreadable CIDRs are findings; the other blocks are still judged', async (t) => {
  t.same(found(egressTo(ipBlock('192.0.2.0/24/1'), ipBlock('203.0.113.0/24')), APPROVED).map((v) => v.path), ['spec.egress[0].to[0].ipBlock.cidr', 'spec.egress[0].to[1].ipBlock'])
  t.throws(() => found({}, 'rules: { NETPOL-EGRESS-CIDR: { approvedCidrs: ["10.0.0.0/8", "ten"] } }'), { code: 'NG_ERR_POLICY_INVALID', message: /approvedCidrs\.1|approvedCidrs\/1|approvedCidrs\[1\]/ })
})

t.test('ingress-only policies and egress rules that take no effect are not judged', async (t) => {
  t.same(found({ egress: [{ to: [ipBlock('0.0.0.0/0')] }], policyTypes: ['Ingress'] }), [])
  t.same(found({ egress: [] }), [])
  t.same(found({ ingress: [{}] }), [])
  t.match(found({ egress: [{ to: [ipBlock('0.0.0.0/0')] }] }), [{ path: 'spec.egress[0].to' }], 'egress rules without policyTypes take effect')
})

t.test('the action can be raised to deny', async (t) => {
  t.match(found(egressTo(ipBlock('0.0.0.0/0')), 'rules: { NETPOL-EGRESS-CIDR: { action: deny } }'), [{ action: 'deny' }])
})

t.test('a policy checked without a namespace gets only the global approved CIDRs', async (t) => {
  const object = networkPolicy(egressTo(ipBlock('198.51.100.7/32')), { namespace: undefined })
  const settings = netpolEgressCidr.compile({ ...netpolEgressCidr.defaults, approvedCidrs: ['192.0.2.0/24'], namespaceCidrs: [{ namespaces: ['*'], cidrs: ['198.51.100.0/24'] }] })
  const findings = netpolEgressCidr.type === 'validate' ? netpolEgressCidr.check(object, { ...contextFor(object), namespace: undefined }, settings) : []
  t.match(findings, [{ message: 'spec.egress[0].to[0].ipBlock 198.51.100.7/32 is outside the approved egress CIDRs of this namespace' }])
})
