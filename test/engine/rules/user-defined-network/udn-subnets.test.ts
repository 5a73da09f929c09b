import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { cudn, layer2, layer3, localnet, udn } from './networks.ts'

const found = (object: Parameters<typeof violationsOf>[1], policy = '{}') => violationsOf('UDN-SUBNETS', object, policy)
const paths = (object: Parameters<typeof violationsOf>[1], policy = '{}') => found(object, policy).map((v) => [v.path, v.message])

t.test('OKD\'s example networks pass: private subnets clear of the cluster\'s own', async (t) => {
  t.same(found(udn(layer2('Primary', ['10.0.0.0/24', '2001:db8::/60']))), [])
  t.same(found(udn(layer3('Primary', [{ cidr: '10.150.0.0/16', hostSubnet: 24 }, { cidr: '2001:db8::/60', hostSubnet: 64 }]))), [])
  t.same(found(cudn(layer2('Primary', ['203.203.0.0/16']))), [])
  t.same(found(udn(layer2('Secondary', undefined, { ipam: { mode: 'Disabled' } }))), [], 'no IPAM, no subnet')
})

t.test('a subnet over the cluster or service network is denied', async (t) => {
  t.same(found(udn(layer3('Primary', [{ cidr: '10.128.0.0/16', hostSubnet: 24 }]))), [{
    ruleId: 'UDN-SUBNETS',
    action: 'deny',
    path: 'spec.layer3.subnets[0].cidr',
    message: 'spec.layer3.subnets[0].cidr 10.128.0.0/16 overlaps the forbidden range 10.128.0.0/14',
    fix: 'use a range outside 10.128.0.0/14'
  }])
  t.same(paths(cudn(layer2('Primary', ['172.16.0.0/12']))), [['spec.network.layer2.subnets[0]', 'spec.network.layer2.subnets[0] 172.16.0.0/12 overlaps the forbidden range 172.30.0.0/16']])
  t.same(paths(cudn(localnet('physnet1', { subnets: ['192.168.100.0/24'], ipam: undefined })), 'rules: { NAD-IPAM-RANGE: { forbiddenCidrs: [192.168.0.0/16] } }'),
    [['spec.network.localnet.subnets[0]', 'spec.network.localnet.subnets[0] 192.168.100.0/24 overlaps the forbidden range 192.168.0.0/16']],
    'it follows NAD-IPAM-RANGE\'s forbidden list (add the machine network there)')
})

t.test('OVN-Kubernetes\' join, transit and masquerade subnets are off limits', async (t) => {
  t.same(paths(udn(layer2('Primary', ['100.64.0.0/24']))), [['spec.layer2.subnets[0]', 'spec.layer2.subnets[0] 100.64.0.0/24 overlaps OVN-Kubernetes\' internal range 100.64.0.0/16']])
  t.match(found(udn(layer2('Primary', ['fd97::/64']))), [{ message: /internal range fd97::\/64/ }])
  t.same(found(udn(layer2('Primary', ['100.64.0.0/24'])), 'rules: { UDN-SUBNETS: { internalCidrs: [100.66.0.0/16] } }'), [], 'a cluster that moved them says where')
})

t.test('join subnets: as written, or OVN-Kubernetes\' defaults, clear of the cluster and of the network itself', async (t) => {
  t.same(paths(udn(layer3('Primary', [{ cidr: '10.150.0.0/16' }], { joinSubnets: ['100.64.0.0/16'] }))), [
    ['spec.layer3.joinSubnets[0]', 'spec.layer3.joinSubnets[0] 100.64.0.0/16 overlaps OVN-Kubernetes\' internal range 100.64.0.0/16']
  ])
  t.same(found(udn(layer2('Primary', ['100.65.0.0/24']))).map((v) => [v.path, v.message, v.fix]), [
    ['spec.layer2.joinSubnets', 'spec.layer2.joinSubnets is not set, so 100.65.0.0/16 overlaps the network\'s own subnet 100.65.0.0/24', 'set spec.layer2.joinSubnets to ranges outside 100.65.0.0/24']
  ], 'the default join subnet is judged too')
  t.match(found(udn(layer2('Primary', ['10.0.0.0/24'])), 'rules: { NAD-IPAM-RANGE: { forbiddenCidrs: [100.64.0.0/10] } }'), [
    { path: 'spec.layer2.joinSubnets', message: 'spec.layer2.joinSubnets is not set, so 100.65.0.0/16 overlaps the forbidden range 100.64.0.0/10' }
  ])
  t.same(found(udn(layer2('Secondary', ['100.65.0.0/24']))), [], 'a secondary network has no join subnet')
})

t.test('where a namespace was assigned ranges, its networks stay inside them', async (t) => {
  const policy = 'rules: { NAD-IPAM-RANGE: { perNamespace: [{ namespaces: [shop], cidrs: [10.200.0.0/16] }] } }'
  t.same(found(udn(layer2('Primary', ['10.200.1.0/24'])), policy), [])
  t.same(found(udn(layer2('Primary', ['10.201.0.0/24'])), policy).map((v) => [v.message, v.fix]), [[
    'spec.layer2.subnets[0] 10.201.0.0/24 is not inside the CIDRs assigned in namespace shop',
    'use one of: 10.200.0.0/16; or ask a cluster admin to assign this namespace a range'
  ]])
  t.same(found(udn(layer2('Primary', ['10.201.0.0/24']), 'bank'), policy), [], 'a namespace without assigned ranges may use any free range')
  t.same(found(cudn(layer2('Primary', ['10.201.0.0/24'])), policy), [], 'a cluster network belongs to no namespace')
})

t.test('subnets that are not CIDRs are findings', async (t) => {
  t.same(found(udn(layer3('Primary', [{ cidr: '10.150.0.0' }, { hostSubnet: 24 }, 'x']))).map((v) => v.message), [
    'spec.layer3.subnets[0].cidr "10.150.0.0" is not a CIDR',
    'spec.layer3.subnets[1].cidr is missing',
    'spec.layer3.subnets[2].cidr is missing'
  ])
  t.same(found(udn(layer2('Primary', '10.0.0.0/24', { joinSubnets: 'x' }))).map((v) => v.message), [
    'spec.layer2.subnets "10.0.0.0/24" is not a list of CIDRs',
    'spec.layer2.joinSubnets "x" is not a list of CIDRs'
  ])
  t.same(found(udn({ topology: 'Layer2', layer2: 'x' })), [])
  t.same(found({ ...cudn({}), spec: 'x' }), [])
})

t.test('every topology section present is read, whatever topology says', async (t) => {
  t.match(found(udn({ topology: 'Layer2', layer2: { role: 'Secondary', subnets: ['10.0.0.0/24'] }, layer3: { role: 'Primary', subnets: [{ cidr: '10.128.0.0/16' }] } })), [{ path: 'spec.layer3.subnets[0].cidr' }])
})

t.test('join-subnet findings carry codes: one depends on the subnets, not on the join field', async (t) => {
  t.same(found(udn(layer2('Primary', ['100.65.0.0/24']))).map((v) => v.code), ['own-subnet'])
  t.same(found(udn(layer3('Primary', [{ cidr: '10.150.0.0/16' }], { joinSubnets: ['100.64.0.0/16'] }))).map((v) => v.code), ['reserved-range'])
  t.same(found(udn(layer2('Primary', ['100.65.0.0/24']))), found(udn(layer2('Primary', ['100.65.0.0/24']))).map((v) => v), 'stable')
})

t.test('on UPDATE, a join subnet that only now overlaps a changed subnet is not old debt', async (t) => {
  const before = udn(layer2('Primary', ['10.0.0.0/24'], { joinSubnets: ['100.65.0.0/16'] }))
  const after = udn(layer2('Primary', ['100.65.1.0/24'], { joinSubnets: ['100.65.0.0/16'] }))
  t.match(violationsOf('UDN-SUBNETS', after, '{}', { operation: 'UPDATE', oldObject: before }), [{ code: 'own-subnet', action: 'deny' }])
})
