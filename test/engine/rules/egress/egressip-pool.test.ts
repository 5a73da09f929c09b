import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { egressIp } from './egress.ts'

const POOL = 'rules: { EGRESSIP-POOL: { poolCidrs: ["192.0.2.0/28", "198.51.100.7", "2001:db8:e::/64"] } }'
const found = (egressIPs: unknown, policy = POOL) => violationsOf('EGRESSIP-POOL', egressIp({ egressIPs, namespaceSelector: { matchLabels: { env: 'prod' } } }), policy)

t.test('an egress IP outside the pool is denied', async (t) => {
  t.same(found(['192.0.2.5', '192.0.2.20']), [{
    ruleId: 'EGRESSIP-POOL',
    action: 'deny',
    path: 'spec.egressIPs[1]',
    message: 'spec.egressIPs[1] 192.0.2.20 is outside the approved egress IP pool',
    fix: 'pick an address from the egress IP pool, or ask a cluster admin to extend it'
  }])
})

t.test('addresses inside the pool pass, in both families', async (t) => {
  t.same(found(['192.0.2.0', '192.0.2.15', '198.51.100.7', '2001:db8:e::10']), [])
  t.same(found([]), [])
  t.same(found(undefined), [])
})

t.test('IPv4-mapped IPv6 is judged as the IPv4 address it is', async (t) => {
  t.same(found(['::ffff:192.0.2.5']), [])
  t.match(found(['::ffff:203.0.113.5']), [{ message: 'spec.egressIPs[0] ::ffff:203.0.113.5 is outside the approved egress IP pool' }])
  t.match(found(['2001:db8:f::1']), [{ path: 'spec.egressIPs[0]' }], 'an IPv6 address outside the IPv6 pool')
})

t.test('the pool is empty by default: no egress IP is approved', async (t) => {
  t.equal(found(['192.0.2.5'], '{}').length, 1)
})

t.test('what is not one address is refused, never thrown on', async (t) => {
  t.same(found(['192.0.2.0/28', 'gateway', 7, null, '0300.0.2.5']).map((v) => v.message), [
    'spec.egressIPs[0] "192.0.2.0/28" is not an IP address',
    'spec.egressIPs[1] "gateway" is not an IP address',
    'spec.egressIPs[2] 7 is not an IP address',
    'spec.egressIPs[3] null is not an IP address',
    'spec.egressIPs[4] "0300.0.2.5" is not an IP address'
  ])
  t.same(found('192.0.2.5').map((v) => v.message), ['spec.egressIPs is the string "192.0.2.5"; expected a list'], 'a wrong type is a finding of its own')
  t.same(violationsOf('EGRESSIP-POOL', { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', spec: 'x' }, POOL).map((v) => v.message), ['spec is the string "x"; expected an object'])
})

t.test('a bad pool CIDR is refused at load', async (t) => {
  t.throws(() => found([], 'rules: { EGRESSIP-POOL: { poolCidrs: ["192.0.2.0/33"] } }'), { code: 'NG_ERR_POLICY_INVALID', message: /poolCidrs/ })
})
