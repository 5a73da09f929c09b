import t from 'tap'
import { fixture, nad, PAYMENTS, violations } from './helpers.ts'

const ALLOW_PAYMENTS = `rules: { NAD-MASTER: { perNamespace: [${PAYMENTS}] } }`
const found = (config: unknown, spec = ALLOW_PAYMENTS, namespace = 'payments') => violations('NAD-MASTER', nad(config, namespace), spec)
const messages = (config: unknown, spec?: string, namespace?: string) => found(config, spec, namespace).map((v) => v.message)

t.test('payments may use eth1', async (t) => {
  t.same(found(fixture('network-attachment', 'macvlan-whereabouts.json')), [])
  t.same(found(fixture('network-attachment', 'whereabouts-ipranges.json')), [])
})

t.test('another interface, or another namespace, is denied with the allowed list', async (t) => {
  const macvlan = { cniVersion: '1.0.0', type: 'macvlan', master: 'eth2' }
  const [violation, ...rest] = found(macvlan)
  t.same(rest, [])
  t.match(violation, {
    ruleId: 'NAD-MASTER',
    action: 'deny',
    path: 'spec.config.master',
    message: 'spec.config.master eth2 is not an allowed interface in namespace payments',
    fix: 'use one of: eth1; or ask a cluster admin to allow the interface'
  })
  t.match(found(fixture('network-attachment', 'macvlan-whereabouts.json'), ALLOW_PAYMENTS, 'shop'), [{
    message: 'spec.config.master eth1 is not an allowed interface in namespace shop',
    fix: 'ask a cluster admin to allow the interface'
  }])
})

t.test('macvlan and ipvlan without master would use the default-route interface', async (t) => {
  t.same(messages({ cniVersion: '1.0.0', type: 'ipvlan', mode: 'l2' }), ["spec.config.master is not set, so ipvlan uses the node's default-route interface"])
  t.same(found({ cniVersion: '1.0.0', type: 'ipvlan' }, 'rules: { NAD-MASTER: { allowDefaultRouteInterface: true } }'), [])
  t.same(found({ cniVersion: '1.0.0', type: 'macvlan', linkInContainer: true, master: 'net0' }), [], 'a master inside the pod is not a node interface')
  t.same(found({ cniVersion: '1.0.0', type: 'vlan', vlanId: 50 }), [], 'vlan without master fails in the plugin itself')
})

t.test('bridge names, with cni0 when none is given', async (t) => {
  t.same(messages(fixture('network-attachment', 'bridge-trunk.json')), ['spec.config.bridge br-lab is not an allowed interface in namespace payments'])
  t.same(messages({ cniVersion: '1.0.0', type: 'bridge' }), ['spec.config.bridge is not set (bridge cni0 is used), and cni0 is not an allowed interface in namespace payments'])
  t.same(found({ cniVersion: '1.0.0', type: 'bridge' }, 'rules: { NAD-MASTER: { allowedInterfaces: [cni0] } }'), [])
  t.same(found(fixture('network-attachment', 'bridge-trunk.json'), 'rules: { NAD-MASTER: { allowedInterfaces: ["br-*"] } }'), [])
})

t.test('host-device devices, OVN physical networks and conflist masters', async (t) => {
  t.same(messages({ cniVersion: '1.0.0', type: 'host-device', device: 'ens5f1' }), ['spec.config.device ens5f1 is not an allowed interface in namespace payments'])
  t.same(messages({ cniVersion: '1.0.0', type: 'host-device', pciBusID: '0000:af:00.1' }), [
    'spec.config selects its device without a device name, which cannot be checked against the allowed interfaces'
  ])
  t.same(messages(fixture('network-attachment', 'ovn-localnet.json')), ['spec.config.physicalNetworkName physnet-blue is not an allowed interface in namespace payments'])
  t.same(messages({ cniVersion: '1.0.0', plugins: [{ type: 'vlan', master: 'bond0', vlanId: 50 }, { type: 'tuning' }] }), [
    'spec.config.plugins[0].master bond0 is not an allowed interface in namespace payments'
  ])
})

t.test('a master that is not a name is denied', async (t) => {
  t.same(messages({ cniVersion: '1.0.0', type: 'macvlan', master: ['eth1'] }), ['spec.config.master ["eth1"] is not an interface name'])
  t.same(messages({ cniVersion: '1.0.0', type: 'macvlan', master: '' }), ['spec.config.master "" is not an interface name'])
  t.same(messages({ cniVersion: '1.0.0', type: 'macvlan', master: { name: 'eth1', description: 'a long object that does not fit in a message' } }), [
    'spec.config.master {"name":"eth1","description":"a long object that does not... is not an interface name'
  ])
})

t.test('the default policy allows no node interface at all', async (t) => {
  t.same(messages(fixture('network-attachment', 'macvlan-whereabouts.json'), '{}'), ['spec.config.master eth1 is not an allowed interface in namespace payments'])
  t.same(found({ cniVersion: '1.0.0', type: 'sriov', vlan: 50 }, '{}'), [], 'SR-IOV attaches to a VF from the device plugin, not a named interface')
})
