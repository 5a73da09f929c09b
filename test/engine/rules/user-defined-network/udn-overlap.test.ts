import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { violationsOf } from '../network-policy/netpol.ts'
import { cudn, layer2, layer3, udn } from './networks.ts'

const CLUSTER = [
  udn(layer2('Primary', ['10.10.0.0/16']), 'bank', 'bank-net'),
  udn(layer2('Secondary', ['10.30.0.0/24']), 'shop', 'shop-storage'),
  cudn(layer3('Primary', [{ cidr: '10.20.0.0/16', hostSubnet: 24 }]), ['red', 'blue'], 'red-blue')
]
const found = (object: KubeObject, options: { cluster?: readonly KubeObject[] | 'unknown', policy?: string, operation?: 'UPDATE' } = {}) =>
  violationsOf('UDN-OVERLAP', object, options.policy, {
    cluster: options.cluster === 'unknown' ? clusterWith([], [{ group: 'k8s.ovn.org', kind: 'UserDefinedNetwork' }]) : clusterWith(options.cluster ?? CLUSTER),
    ...(options.operation === undefined ? {} : { operation: options.operation, oldObject: object })
  })

t.test('a free range passes; another namespace\'s range is taken, and the tenant is not told whose', async (t) => {
  t.same(found(udn(layer2('Primary', ['10.40.0.0/16']))), [])
  t.same(found(udn(layer2('Primary', ['10.40.0.0/16', '10.10.4.0/24']))), [{
    ruleId: 'UDN-OVERLAP',
    action: 'deny',
    path: 'spec.layer2.subnets[1]',
    message: 'spec.layer2.subnets[1] 10.10.4.0/24 overlaps a range another network already uses',
    fix: 'choose a range no other network uses'
  }])
  t.match(found(udn(layer3('Primary', [{ cidr: '10.0.0.0/8' }]))), [{ path: 'spec.layer3.subnets[0].cidr' }], 'containing counts as overlapping')
  t.match(found(udn(layer2('Secondary', ['10.20.128.0/24']))), [{ message: /overlaps a range another network already uses/ }], 'a cluster network counts for every namespace')
})

t.test('networks of one namespace may share a range; an update does not clash with itself', async (t) => {
  t.same(found(udn(layer2('Primary', ['10.30.0.0/24']))), [], 'shop-storage is in shop too')
  t.same(found(udn(layer2('Primary', ['10.10.0.0/16']), 'bank', 'bank-net'), { operation: 'UPDATE' }), [])
})

t.test('a ClusterUserDefinedNetwork is held apart from every network, and its admin is told which', async (t) => {
  t.same(found(cudn(layer2('Primary', ['10.10.1.0/24', '10.20.0.0/24']), ['green'], 'green')).map((v) => v.message), [
    'spec.network.layer2.subnets[0] 10.10.1.0/24 overlaps UserDefinedNetwork bank/bank-net',
    'spec.network.layer2.subnets[1] 10.20.0.0/24 overlaps ClusterUserDefinedNetwork red-blue'
  ])
  t.same(found(cudn(layer3('Primary', [{ cidr: '10.20.0.0/16', hostSubnet: 24 }]), ['red', 'blue'], 'red-blue'), { operation: 'UPDATE' }), [])
})

t.test('without subnets nothing is compared; unknown state warns, or denies if the policy says so', async (t) => {
  t.same(found(udn(layer2('Secondary', undefined, { ipam: { mode: 'Disabled' } })), { cluster: 'unknown' }), [])
  t.match(found(udn(layer2('Primary', ['10.40.0.0/16'])), { cluster: 'unknown' }), [{ action: 'warn', message: /UserDefinedNetwork objects are not known yet/ }])
  t.match(found(udn(layer2('Primary', ['10.40.0.0/16'])), { cluster: 'unknown', policy: 'rules: { UDN-OVERLAP: { whenUnknown: deny } }' }), [{ action: 'deny' }])
})

t.test('held networks that are malformed claim nothing', async (t) => {
  const cluster = [udn(layer2('Primary', 'x'), 'bank'), { ...cudn({}), spec: null } as unknown as KubeObject]
  t.same(found(udn(layer2('Primary', ['10.10.0.0/16'])), { cluster }), [])
})

t.test('the index finds a holder however the held ranges lie: wide ones before narrow ones, IPv6, the own namespace skipped', async (t) => {
  const cluster = [
    udn(layer2('Secondary', ['10.0.0.0/8']), 'wide'),
    ...Array.from({ length: 50 }, (_, index) => udn(layer2('Secondary', [`11.${index}.0.0/16`]), `t${index}`)),
    udn(layer2('Secondary', ['12.0.0.0/24', 'fd00:10::/64']), 'shop', 'mine'),
    udn(layer2('Secondary', ['12.0.0.0/16']), 'other')
  ]
  t.match(found(udn(layer2('Primary', ['10.200.0.0/24'])), { cluster }), [{ path: 'spec.layer2.subnets[0]' }], 'inside a wide range that starts before many others')
  t.match(found(udn(layer2('Primary', ['11.49.3.0/24'])), { cluster }), [{ path: 'spec.layer2.subnets[0]' }])
  t.match(found(udn(layer2('Primary', ['12.0.0.0/25'])), { cluster }), [{ path: 'spec.layer2.subnets[0]' }], 'its own namespace\'s network is skipped, another one found behind it')
  t.same(found(udn(layer2('Primary', ['fd00:10::/80'])), { cluster }), [], 'only its own namespace holds it')
  t.match(found(udn(layer2('Primary', ['fd00:10::/80']), 'bank'), { cluster }), [{ path: 'spec.layer2.subnets[0]' }])
  t.same(found(udn(layer2('Primary', ['13.0.0.0/8', '9.255.255.0/24'])), { cluster }), [], 'ranges just beside held ones are free')
})
