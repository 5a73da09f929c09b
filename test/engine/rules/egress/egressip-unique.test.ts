import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { violationsOf } from '../network-policy/netpol.ts'
import { egressIp } from './egress.ts'

const selector = { namespaceSelector: { matchLabels: { env: 'prod' } } }
const held = (name: string, egressIPs: unknown): KubeObject => ({ ...egressIp({ egressIPs, ...selector }), metadata: { name } })
const CLUSTER = [held('bank-egress', ['192.0.2.10', '2001:db8:e::10']), held('shop-egress', ['192.0.2.11'])]

const found = (egressIPs: unknown, options: { cluster?: readonly KubeObject[] | 'unknown', policy?: string, operation?: 'UPDATE' } = {}) => {
  const object = egressIp({ egressIPs, ...selector })
  const cluster = options.cluster === 'unknown'
    ? clusterWith([], [{ group: 'k8s.ovn.org', kind: 'EgressIP' }])
    : clusterWith(options.cluster ?? CLUSTER)
  return violationsOf('EGRESSIP-UNIQUE', object, options.policy, {
    cluster,
    ...(options.operation === undefined ? {} : { operation: options.operation, oldObject: object })
  })
}

t.test('an address another EgressIP holds is denied; the holder is named to the admin only', async (t) => {
  t.same(found(['192.0.2.12', '192.0.2.10']), [{
    ruleId: 'EGRESSIP-UNIQUE',
    action: 'deny',
    path: 'spec.egressIPs[1]',
    code: 'claimed',
    message: 'spec.egressIPs[1] 192.0.2.10 is already claimed by another EgressIP',
    fix: 'pick a free address from the egress IP pool, or remove it from the other EgressIP first',
    detail: 'held by EgressIP bank-egress'
  }])
  t.same(found(['192.0.2.12', '2001:db8:e::11']), [], 'free addresses pass')
})

t.test('one address in any spelling: IPv4-mapped IPv6, upper case, zeros written out', async (t) => {
  t.match(found(['::ffff:192.0.2.10']), [{ message: 'spec.egressIPs[0] ::ffff:192.0.2.10 is already claimed by another EgressIP' }])
  t.match(found(['2001:DB8:E:0::10']), [{ message: /already claimed by another EgressIP/, detail: 'held by EgressIP bank-egress' }])
})

t.test('an address listed twice in the object is denied without any cluster state', async (t) => {
  t.match(found(['192.0.2.12', '::ffff:192.0.2.12'], { cluster: [] }), [{
    path: 'spec.egressIPs[1]',
    message: 'spec.egressIPs[1] ::ffff:192.0.2.12 is already listed at spec.egressIPs[0]',
    fix: 'list each egress IP once'
  }])
  t.equal(found(['192.0.2.12', '192.0.2.12'], { cluster: 'unknown' }).length, 2, 'the repeat, and that the cluster could not be checked')
})

t.test('an UPDATE does not conflict with its own earlier version', async (t) => {
  const own = [{ ...held('shop-egress', ['192.0.2.20']) }]
  t.same(found(['192.0.2.20'], { cluster: own, operation: 'UPDATE' }), [])
})

t.test('while EgressIPs are unknown: a warning by default, a denial if the policy says so', async (t) => {
  t.match(found(['192.0.2.12'], { cluster: 'unknown' }), [{ action: 'warn', message: /EgressIP objects are not known yet/ }])
  t.match(found(['192.0.2.12'], { cluster: 'unknown', policy: 'rules: { EGRESSIP-UNIQUE: { whenUnknown: deny } }' }), [{ action: 'deny' }])
})

t.test('entries that are not addresses are left to EGRESSIP-POOL', async (t) => {
  t.same(found(['192.0.2.0/28', 7, 'egress'], { cluster: [] }), [])
  t.same(found(undefined, { cluster: [] }), [])
})
