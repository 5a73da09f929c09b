import t from 'tap'
import { fixture, nad, PAYMENTS, violations } from './helpers.ts'

const ALLOW_PAYMENTS = `rules: { NAD-VLAN: { perNamespace: [${PAYMENTS}] } }`
const found = (config: unknown, spec = ALLOW_PAYMENTS, namespace = 'payments') => violations('NAD-VLAN', nad(config, namespace), spec)
const messages = (config: unknown, spec?: string, namespace?: string) => found(config, spec, namespace).map((v) => v.message)

t.test('payments may use VLAN 50; untagged attachments pass everywhere', async (t) => {
  t.same(found(fixture('network-attachment', 'sriov-conflist.json')), [])
  t.same(found({ cniVersion: '1.0.0', type: 'vlan', master: 'eth1', vlanId: 50 }), [])
  t.same(found(fixture('network-attachment', 'macvlan-whereabouts.json'), '{}', 'shop'), [])
  t.same(found({ cniVersion: '1.0.0', type: 'sriov', vlan: 0 }, '{}'), [], 'VLAN 0 is untagged')
})

t.test('another VLAN, or VLAN 50 in another namespace, is denied', async (t) => {
  const [violation, ...rest] = found({ cniVersion: '1.0.0', type: 'vlan', master: 'eth1', vlanId: 60 })
  t.same(rest, [])
  t.match(violation, {
    ruleId: 'NAD-VLAN',
    action: 'deny',
    path: 'spec.config.vlanId',
    message: 'spec.config.vlanId 60 is not an allowed VLAN in namespace payments',
    fix: 'use one of: 50; or ask a cluster admin to allow the VLAN'
  })
  t.match(found(fixture('network-attachment', 'sriov-conflist.json'), ALLOW_PAYMENTS, 'shop'), [{
    path: 'spec.config.plugins[0].vlan',
    message: 'spec.config.plugins[0].vlan 50 is not an allowed VLAN in namespace shop',
    fix: 'ask a cluster admin to allow the VLAN'
  }])
})

t.test('ranges in settings, OVN vlanID, and bridge trunks', async (t) => {
  const spec = 'rules: { NAD-VLAN: { allowedVlans: [100, "110-119"], perNamespace: [{ namespaces: [lab], vlans: ["60-61", 101] }] } }'
  t.same(found(fixture('network-attachment', 'bridge-trunk.json'), spec, 'lab'), [])
  t.same(found(fixture('network-attachment', 'ovn-localnet.json'), spec, 'lab'), [])
  t.same(messages(fixture('network-attachment', 'bridge-trunk.json'), spec, 'shop'), ['spec.config.vlanTrunk[0] 101 is not an allowed VLAN in namespace shop'])
  t.same(messages({ cniVersion: '1', type: 'bridge', vlanTrunk: [{ minID: 118, maxID: 125 }] }, spec, 'lab'), [
    'spec.config.vlanTrunk[0] 118-125 includes VLAN 120, which is not an allowed VLAN in namespace lab'
  ])
  t.match(found({ cniVersion: '1', type: 'bridge', vlan: 7 }, spec, 'lab'), [{ fix: 'use one of: 100, 110-119, 60-61, 101; or ask a cluster admin to allow the VLAN' }])
})

t.test('values that are not VLAN ids are denied', async (t) => {
  t.same(messages({ cniVersion: '1', type: 'sriov', vlan: '50' }), ['spec.config.vlan "50" is not a VLAN id (1-4094)'])
  t.same(messages({ cniVersion: '1', type: 'vlan', vlanId: 4095 }), ['spec.config.vlanId 4095 is not a VLAN id (1-4094)'])
  t.same(messages({ cniVersion: '1', type: 'bridge', vlanTrunk: { id: 50 } }), ['spec.config.vlanTrunk is not a list of {id} or {minID, maxID}'])
  t.same(messages({ cniVersion: '1', type: 'bridge', vlanTrunk: [{ minID: 60, maxID: 50 }, 'x', {}] }), [
    'spec.config.vlanTrunk[0] {"minID":60,"maxID":50} is not a VLAN id or range (1-4094)',
    'spec.config.vlanTrunk[1] "x" is not a VLAN id or range (1-4094)',
    'spec.config.vlanTrunk[2] {} is not a VLAN id or range (1-4094)'
  ])
})

t.test('a dotted VLAN interface (eth1.50) is the VLAN it names', async (t) => {
  t.same(found({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth1.50' }), [], 'VLAN 50 is allowed in payments')
  t.match(found({ cniVersion: '1.0.0', type: 'macvlan', master: 'bond0.60' }), [{
    path: 'spec.config.master',
    message: 'spec.config.master bond0.60 is VLAN 60 on bond0, not an allowed VLAN in namespace payments',
    fix: 'use one of: 50; or ask a cluster admin to allow the VLAN'
  }])
  t.match(messages({ cniVersion: '1.0.0', type: 'host-device', device: 'ens3f0.50' }, ALLOW_PAYMENTS, 'shop'), [/ens3f0\.50 is VLAN 50 on ens3f0, not an allowed VLAN in namespace shop/])
  t.same(found({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth1' }, '{}', 'shop'), [], 'no VLAN in a plain name')
  t.same(found({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth1.0' }, '{}', 'shop'), [], 'not a VLAN id: 0')
  t.same(found({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth1.5000' }, '{}', 'shop'), [], 'not a VLAN id: over 4094')
})
