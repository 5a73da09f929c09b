import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { fixture, nad, violations } from './helpers.ts'

const whereabouts = (range: string, extra: Record<string, unknown> = {}) =>
  ({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth1', ipam: { type: 'whereabouts', range, ...extra } })

const existing = [
  nad(whereabouts('192.168.50.0/25'), 'payments', 'db'),
  nad(fixture('network-attachment', 'sriov-conflist.json'), 'payments', 'sriov'),
  nad(whereabouts('10.20.0.0/24'), 'lab', 'lab-net'),
  nad(undefined, 'lab', 'from-file'),
  { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'broken' }, spec: { config: '{' } }
]
const found = (object: KubeObject, options: Parameters<typeof violations>[3] = { cluster: clusterWith(existing) }, spec?: string) =>
  violations('NAD-IPAM-OVERLAP', object, spec, options)

t.test('ranges no other namespace uses pass, and so do overlaps inside one namespace', async (t) => {
  t.same(found(nad(whereabouts('192.168.90.0/24'), 'shop')), [])
  t.same(found(nad(whereabouts('192.168.50.0/24'), 'payments', 'db-2')), [], 'one network, several NADs in payments')
  t.same(found(nad({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth1', ipam: { type: 'dhcp' } }, 'shop')), [], 'no ranges, nothing to compare')
})

t.test('a range overlapping another namespace\'s attachment is denied, naming it to the admin only', async (t) => {
  const [violation, ...rest] = found(nad(whereabouts('192.168.50.64/26'), 'shop'))
  t.same(rest, [])
  t.match(violation, {
    ruleId: 'NAD-IPAM-OVERLAP',
    action: 'deny',
    path: 'spec.config.ipam.range',
    message: 'spec.config.ipam.range 192.168.50.64/26 overlaps the addresses of 2 NetworkAttachmentDefinitions in another namespace',
    fix: 'choose a range no other namespace uses, or split the subnet with range start and end addresses',
    detail: 'held by NetworkAttachmentDefinition payments/db, NetworkAttachmentDefinition payments/sriov'
  })
  t.same(found(nad(whereabouts('10.20.0.0/25'), 'shop')).map((v) => [v.message, v.detail]), [[
    'spec.config.ipam.range 10.20.0.0/25 overlaps the addresses of a NetworkAttachmentDefinition in another namespace',
    'held by NetworkAttachmentDefinition lab/lab-net'
  ]])
})

t.test('pools, not subnets, are compared: a subnet split by start and end addresses is shared', async (t) => {
  t.same(found(nad(whereabouts('192.168.50.150-192.168.50.200/24'), 'shop')), [])
  t.equal(found(nad(whereabouts('192.168.50.140-192.168.50.200/24'), 'shop')).length, 1)
  t.same(found(nad(whereabouts('192.168.50.0/24', { exclude: ['192.168.50.0/25', '192.168.50.100/30', '192.168.50.128/26'] }), 'shop')), [],
    'excluded addresses are not handed out')
})

t.test('each overlapping range of a conflist gets its own finding; long lists are cut', async (t) => {
  const many = Array.from({ length: 5 }, (_, index) => nad(whereabouts(`10.${40 + index}.0.0/16`), `team-${index}`, 'net'))
  const config = { cniVersion: '1.0.0', plugins: [{ type: 'macvlan', master: 'eth1', ipam: { type: 'host-local', ranges: [[{ subnet: '10.40.0.0/13' }], [{ subnet: '10.20.0.128/25' }]] } }] }
  t.same(found(nad(config, 'shop'), { cluster: clusterWith([...existing, ...many]) }).map((v) => [v.message, v.detail]), [
    ['spec.config.plugins[0].ipam.ranges[0][0].subnet 10.40.0.0/13 overlaps the addresses of 5 NetworkAttachmentDefinitions in another namespace',
      'held by NetworkAttachmentDefinition team-0/net, NetworkAttachmentDefinition team-1/net, NetworkAttachmentDefinition team-2/net and 2 more'],
    ['spec.config.plugins[0].ipam.ranges[1][0].subnet 10.20.0.128/25 overlaps the addresses of a NetworkAttachmentDefinition in another namespace',
      'held by NetworkAttachmentDefinition lab/lab-net']
  ])
})

t.test('an UPDATE does not collide with its own earlier version', async (t) => {
  const object = nad(whereabouts('10.20.0.0/24'), 'lab', 'lab-net')
  const old = existing[2] as KubeObject
  t.same(found(object, { operation: 'UPDATE', oldObject: old, cluster: clusterWith(existing) }), [])
  t.same(found(object, { operation: 'UPDATE', oldObject: old, namespace: 'elsewhere', cluster: clusterWith([old]) }), [],
    'the same object is never its own rival')
})

t.test('unknown cluster state: warn by default, deny when configured', async (t) => {
  const object = nad(whereabouts('192.168.90.0/24'), 'shop')
  t.match(found(object, {}), [{
    action: 'warn',
    message: 'existing NetworkAttachmentDefinition objects are not known (no cluster state was given), so this could not be checked'
  }])
  t.match(found(object, {}, 'rules: { NAD-IPAM-OVERLAP: { whenUnknown: deny } }'), [{ action: 'deny' }])
  t.same(found(nad(whereabouts('bad'), 'shop'), {}), [], 'nothing to compare: no need for cluster state')
})
