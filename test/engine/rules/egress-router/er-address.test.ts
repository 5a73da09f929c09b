import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { egressRouter } from './egress-router.ts'

// The shop namespace was given 192.168.12.96/28 on the node network; the machine network is forbidden.
const POOL = `rules:
  NAD-IPAM-RANGE:
    allowedCidrs: ["2001:db8:12::/64"]
    forbiddenCidrs: [10.128.0.0/14, 172.30.0.0/16, 192.168.0.0/24]
    perNamespace:
      - namespaces: [shop]
        cidrs: [192.168.12.96/28]`
const found = (addresses: unknown, policy = POOL, namespace = 'shop') => violationsOf('ER-ADDRESS', egressRouter({ addresses }, namespace), policy)

t.test('an address from the namespace\'s range on a permitted subnet passes', async (t) => {
  t.same(found([{ ip: '192.168.12.99/24', gateway: '192.168.12.1' }]), [])
  t.same(found([{ ip: '2001:db8:12::99/64' }]), [], 'the global allowed CIDRs apply in every namespace')
})

t.test('an address outside the namespace\'s range is denied, offering the range', async (t) => {
  t.same(found([{ ip: '192.168.12.20/24' }]), [{
    ruleId: 'ER-ADDRESS',
    action: 'deny',
    path: 'spec.addresses[0].ip',
    message: 'spec.addresses[0].ip 192.168.12.20 is not inside the CIDRs allowed in namespace shop',
    fix: 'use one of: 2001:db8:12::/64, 192.168.12.96/28; or ask a cluster admin to assign this namespace a range'
  }])
  t.match(found([{ ip: '192.168.12.99/24' }], POOL, 'bank'), [{ message: 'spec.addresses[0].ip 192.168.12.99 is not inside the CIDRs allowed in namespace bank' }])
})

t.test('a subnet that overlaps a forbidden range is denied, even from the allowed range', async (t) => {
  t.same(found([{ ip: '192.168.12.99/16' }]).map((v) => [v.path, v.message, v.fix]), [[
    'spec.addresses[0].ip',
    'spec.addresses[0].ip 192.168.12.99/16 overlaps the forbidden range 192.168.0.0/24',
    'use an address on a network outside 192.168.0.0/24'
  ]])
  t.match(found([{ ip: '10.128.4.10/24' }], `${POOL}\n      - namespaces: [shop]\n        cidrs: [10.128.4.0/24]`), [{ message: /overlaps the forbidden range 10\.128\.0\.0\/14/ }])
})

t.test('it follows NAD-IPAM-RANGE: the shipped default allows no address until a range is assigned', async (t) => {
  t.match(found([{ ip: '192.168.12.99/24' }], '{}'), [{ fix: 'ask a cluster admin to assign this namespace a range' }])
  t.same(found([{ ip: '192.168.12.99/24' }], 'rules: { ER-ADDRESS: { allowedCidrs: [192.168.12.0/24] } }'), [], 'its own setting wins')
  t.match(found([{ ip: '172.30.0.9/24' }], 'rules: { ER-ADDRESS: { allowedCidrs: [172.30.0.0/24] } }'), [{ message: /forbidden range 172\.30\.0\.0\/16/ }], 'the inherited forbidden list still applies')
})

t.test('an address without its prefix, or not an address, is a finding', async (t) => {
  t.same(found([{ ip: '192.168.12.99' }, { ip: '192.168.12.99/33' }, { gateway: '192.168.12.1' }, { ip: ['x'] }, 'x', { ip: '0xc0.168.12.99/24' }]).map((v) => v.message), [
    'spec.addresses[0].ip "192.168.12.99" is not an address with its prefix',
    'spec.addresses[1].ip "192.168.12.99/33" is not an address with its prefix',
    'spec.addresses[2].ip is missing',
    'spec.addresses[3].ip ["x"] is not an address with its prefix',
    'spec.addresses[4].ip is missing',
    'spec.addresses[5].ip "0xc0.168.12.99/24" is not an address with its prefix'
  ])
  t.same(found('192.168.12.99/24'), [], 'addresses that is not a list holds no address (the API server refuses it)')
})
