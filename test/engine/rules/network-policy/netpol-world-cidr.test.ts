import t from 'tap'
import { ingressFrom, ipBlock, networkPolicy, violationsOf } from './netpol.ts'

const found = (spec: Record<string, unknown>, policy = '{}') => violationsOf('NETPOL-WORLD-CIDR', networkPolicy(spec), policy)
const messages = (spec: Record<string, unknown>, policy = '{}') => found(spec, policy).map((v) => v.message)

t.test('a carved-out world is still world-open: denied with what it admits', async (t) => {
  t.same(found(ingressFrom(ipBlock('0.0.0.0/0', '10.0.0.0/8'))), [{
    ruleId: 'NETPOL-WORLD-CIDR',
    action: 'deny',
    path: 'spec.ingress[0].from',
    message: 'spec.ingress[0].from admits 4278190080 IPv4 addresses (0.0.0.0/0 except 10.0.0.0/8); at most 16777216 allowed',
    fix: 'narrow the ipBlocks to the clients that need access'
  }])
})

t.test('world-open spellings: whole, split, IPv6, IPv4-mapped IPv6', async (t) => {
  t.same(messages(ingressFrom(ipBlock('0.0.0.0/0'))), ['spec.ingress[0].from admits 4294967296 IPv4 addresses (0.0.0.0/0); at most 16777216 allowed'])
  t.same(messages(ingressFrom(ipBlock('0.0.0.0/1'), ipBlock('128.0.0.0/1'))), ['spec.ingress[0].from admits 4294967296 IPv4 addresses (0.0.0.0/1, 128.0.0.0/1); at most 16777216 allowed'])
  t.same(messages(ingressFrom(ipBlock('::ffff:0:0/96'))), ['spec.ingress[0].from admits 4294967296 IPv4 addresses (::ffff:0:0/96); at most 16777216 allowed'])
  t.same(messages(ingressFrom(ipBlock('2000::/3'))), ['spec.ingress[0].from admits 42535295865117307932921825928971026432 IPv6 addresses (2000::/3); at most 79228162514264337593543950336 allowed'])
  t.match(messages(ingressFrom(ipBlock('::/0'))), [/admits 4294967296 IPv4 addresses \(::\/0\)/], '::/0 includes the mapped IPv4 block')
})

t.test('ranges up to the limit pass: a /8 of IPv4, a /32 of IPv6, both at once', async (t) => {
  t.same(found(ingressFrom(ipBlock('10.0.0.0/8'))), [])
  t.same(found(ingressFrom(ipBlock('2001:db8::/32'))), [])
  t.same(found(ingressFrom(ipBlock('10.0.0.0/8'), ipBlock('2001:db8::/32'), { podSelector: {} })), [], 'families are counted apart')
  t.same(found(ingressFrom(ipBlock('10.0.0.0/8'), ipBlock('10.0.0.0/9'))), [], 'overlaps count once')
  t.same(found(ingressFrom(ipBlock('0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/4', '240.0.0.0/5', '248.0.0.0/6', '252.0.0.0/7', '254.0.0.0/8'))), [], 'a world carved down to a /8 passes')
})

t.test('one /8 more than the limit is denied; limits are settings', async (t) => {
  t.match(messages(ingressFrom(ipBlock('10.0.0.0/8'), ipBlock('11.0.0.0/8'))), [/admits 33554432 IPv4 addresses \(10\.0\.0\.0\/8, 11\.0\.0\.0\/8\); at most 16777216/])
  t.same(found(ingressFrom(ipBlock('10.0.0.0/7')), 'rules: { NETPOL-WORLD-CIDR: { broadestIngressRange: { ipv4: 7, ipv6: 32 } } }'), [])
  t.match(messages(ingressFrom(ipBlock('10.0.0.0/16')), 'rules: { NETPOL-WORLD-CIDR: { broadestIngressRange: { ipv4: 24, ipv6: 64 } } }'), [/65536 IPv4 addresses/])
  t.throws(() => found({}, 'rules: { NETPOL-WORLD-CIDR: { broadestIngressRange: { ipv4: 33, ipv6: 32 } } }'), { code: 'NG_ERR_POLICY_INVALID' })
})

t.test('an except cuts only its own block', async (t) => {
  const spec = ingressFrom(ipBlock('0.0.0.0/1', '10.0.0.0/8'), ipBlock('10.0.0.0/8'), ipBlock('128.0.0.0/1'))
  t.match(messages(spec), [/admits 4294967296 IPv4 addresses \(0\.0\.0\.0\/1 except 10\.0\.0\.0\/8, 10\.0\.0\.0\/8, 128\.0\.0\.0\/1\)/])
})

t.test('an IPv6-written except does not cut IPv4', async (t) => {
  t.match(messages(ingressFrom(ipBlock('0.0.0.0/0', '::ffff:0:0/96'))), [/admits 4294967296 IPv4 addresses/])
  t.match(messages(ingressFrom(ipBlock('::ffff:0:0/96', '::ffff:0:0/97'))), [/admits 4294967296 IPv4/], 'nor does it cut the mapped block')
})

t.test('mixed families: the message names the open family and only its blocks', async (t) => {
  t.same(messages(ingressFrom(ipBlock('2001:db8::/32'), ipBlock('::/1'))), ['spec.ingress[0].from admits 4294967296 IPv4 addresses (::/1); at most 16777216 allowed'])
  t.same(messages(ingressFrom(ipBlock('10.0.0.0/8'), ipBlock('::/1'))), ['spec.ingress[0].from admits 4294967296 IPv4 addresses (10.0.0.0/8, ::/1); at most 16777216 allowed'])
  t.same(messages(ingressFrom(ipBlock('10.0.0.0/8'), ipBlock('2001::/16'))), ['spec.ingress[0].from admits 5192296858534827628530496329220096 IPv6 addresses (2001::/16); at most 79228162514264337593543950336 allowed'])
})

t.test('long lists are cut short in the message', async (t) => {
  const blocks = ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/3'].map((cidr) => ipBlock(cidr))
  t.match(messages(ingressFrom(...blocks)), [/\(0\.0\.0\.0\/2, 64\.0\.0\.0\/2, 128\.0\.0\.0\/2 and 2 more\)/])
})

t.test('each rule is judged on its own', async (t) => {
  const spec = { ingress: [{ from: [ipBlock('0.0.0.0/1')] }, { from: [ipBlock('128.0.0.0/1')] }, { from: [ipBlock('0.0.0.0/0')] }] }
  t.same(found(spec).map((v) => v.path), ['spec.ingress[0].from', 'spec.ingress[1].from', 'spec.ingress[2].from'])
  t.same(found({ ingress: [{ from: [ipBlock('10.0.0.0/8')] }, { from: [ipBlock('11.0.0.0/8')] }] }), [])
})

t.test('unreadable CIDRs are findings, never exceptions', async (t) => {
  const spec = ingressFrom(ipBlock('10.0.0.0/33'), ipBlock('010.0.0.0/8'), { ipBlock: {} }, ipBlock(42), ipBlock('10.0.0.0/8', 'ten', null))
  t.same(found(spec).map((v) => [v.path, v.message]), [
    ['spec.ingress[0].from[0].ipBlock.cidr', 'spec.ingress[0].from[0].ipBlock.cidr "10.0.0.0/33" is not a CIDR'],
    ['spec.ingress[0].from[1].ipBlock.cidr', 'spec.ingress[0].from[1].ipBlock.cidr "010.0.0.0/8" is not a CIDR'],
    ['spec.ingress[0].from[2].ipBlock.cidr', 'spec.ingress[0].from[2].ipBlock.cidr is missing'],
    ['spec.ingress[0].from[3].ipBlock.cidr', 'spec.ingress[0].from[3].ipBlock.cidr 42 is not a CIDR'],
    ['spec.ingress[0].from[4].ipBlock.except[0]', 'spec.ingress[0].from[4].ipBlock.except[0] "ten" is not a CIDR'],
    ['spec.ingress[0].from[4].ipBlock.except[1]', 'spec.ingress[0].from[4].ipBlock.except[1] null is not a CIDR']
  ])
  t.match(found(spec)[0], { fix: 'write a CIDR such as 203.0.113.0/24 or 2001:db8::/48', action: 'deny' })
  t.match(messages(ingressFrom(ipBlock('0.0.0.0/0', 'garbage'))), [/is not a CIDR/, /admits 4294967296 IPv4/], 'an unreadable except cuts nothing')
  t.same(found(ingressFrom(null, 'peer', { ipBlock: null })).map((v) => v.message), ['spec.ingress[0].from[1] is the string "peer"; expected an object'])
})

t.test('selector peers, rules without from and egress-only policies are not this rule\'s business', async (t) => {
  t.same(found(ingressFrom({ namespaceSelector: {} })), [])
  t.same(found({ ingress: [{}] }), [])
  t.same(found({ policyTypes: ['Egress'], ingress: [{ from: [ipBlock('0.0.0.0/0')] }] }), [])
  t.same(found({ policyTypes: ['Egress'], egress: [{ to: [ipBlock('0.0.0.0/0')] }] }), [])
})
