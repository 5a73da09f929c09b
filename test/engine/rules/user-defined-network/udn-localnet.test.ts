import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { violationsOf } from '../network-policy/netpol.ts'
import { cudn, localnet, namespace, udn } from './networks.ts'

const GRANTS = `rules:
  NAD-MASTER:
    allowedInterfaces: [physnet-shared]
    perNamespace:
      - namespaces: [red, blue]
        interfaces: [physnet-dc]
        vlans: [200]
      - namespaces: [blue]
        interfaces: [physnet-blue]
  NAD-VLAN:
    allowedVlans: ["300-399"]`
const NAMESPACES = [namespace('red'), namespace('blue'), namespace('green')]
const found = (object: KubeObject, options: { cluster?: readonly KubeObject[] | 'unknown', policy?: string } = {}) =>
  violationsOf('UDN-LOCALNET', object, options.policy ?? GRANTS, {
    cluster: options.cluster === 'unknown' ? clusterWith([], [{ group: '', kind: 'Namespace' }]) : clusterWith(options.cluster ?? NAMESPACES)
  })
const vlan = (id: unknown) => ({ vlan: { mode: 'Access', access: { id } } })

t.test('a physical network and VLAN allowed everywhere, or in every namespace the network selects, pass', async (t) => {
  t.same(found(cudn(localnet('physnet-shared', vlan(301)), ['green'])), [])
  t.same(found(cudn(localnet('physnet-dc', vlan(200)))), [], 'red and blue were both granted physnet-dc and VLAN 200')
})

t.test('what only some selected namespaces were granted is denied, naming them', async (t) => {
  t.same(found(cudn(localnet('physnet-blue'))), [{
    ruleId: 'UDN-LOCALNET',
    action: 'deny',
    path: 'spec.network.localnet.physicalNetworkName',
    message: 'spec.network.localnet.physicalNetworkName physnet-blue is not an allowed physical network in every namespace it selects (blue, red)',
    fix: 'use one of: physnet-shared; or ask a cluster admin to allow the physical network'
  }])
  t.same(found(cudn(localnet('physnet-dc', vlan(201)))).map((v) => [v.path, v.message]), [[
    'spec.network.localnet.vlan.access.id',
    'spec.network.localnet.vlan.access.id 201 is not an allowed VLAN in every namespace it selects (blue, red)'
  ]])
  t.match(found(cudn(localnet('physnet-dc'), ['nowhere'])), [{ message: /not an allowed physical network everywhere/ }], 'a network that selects no namespace gets only what is allowed everywhere')
})

t.test('it follows NAD-MASTER and NAD-VLAN: nothing is allowed until granted', async (t) => {
  t.match(found(cudn(localnet('physnet1', vlan(200))), { policy: '{}' }), [
    { path: 'spec.network.localnet.physicalNetworkName', fix: 'ask a cluster admin to allow the physical network' },
    { path: 'spec.network.localnet.vlan.access.id', fix: 'ask a cluster admin to allow the VLAN' }
  ])
})

t.test('a namespaced network is judged by its own namespace', async (t) => {
  t.same(found(udn(localnet('physnet-blue'), 'blue')), [])
  t.match(found(udn(localnet('physnet-blue'), 'red')), [{ message: /physnet-blue is not an allowed physical network in namespace red/ }])
})

t.test('while namespaces are unknown only what is allowed everywhere passes; the rest warns', async (t) => {
  t.same(found(cudn(localnet('physnet-shared')), { cluster: 'unknown' }), [])
  t.match(found(cudn(localnet('physnet-dc')), { cluster: 'unknown' }), [{ action: 'warn', message: /Namespace objects are not known yet/ }])
  t.match(found(cudn(localnet('physnet-dc')), { cluster: 'unknown', policy: `${GRANTS}\n  UDN-LOCALNET:\n    whenUnknown: deny` }), [{ action: 'deny' }])
})

t.test('malformed names and VLAN ids are findings; other topologies are not judged', async (t) => {
  t.same(found(cudn(localnet(undefined, vlan(0)))).map((v) => v.message), [
    'spec.network.localnet.physicalNetworkName is missing',
    'spec.network.localnet.vlan.access.id 0 is not a VLAN id (1-4094)'
  ])
  t.same(found(cudn(localnet(['physnet1']))).map((v) => v.message), ['spec.network.localnet.physicalNetworkName ["physnet1"] is not a physical network name'])
  t.same(found(cudn({ topology: 'Layer2', layer2: { role: 'Secondary' } })), [])
})
