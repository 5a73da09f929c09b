import t from 'tap'
import { fixture, nad, PAYMENTS, violations } from './helpers.ts'

const found = (config: unknown, spec?: string, namespace = 'payments') => violations('NAD-CNI-TYPE', nad(config, namespace), spec)
const messages = (config: unknown, spec?: string, namespace?: string) => found(config, spec, namespace).map((v) => v.message)

t.test('the default plugin types, IPAM types and sysctls pass', async (t) => {
  t.same(found(fixture('network-attachment', 'macvlan-whereabouts.json')), [])
  t.same(found(fixture('network-attachment', 'sriov-conflist.json')), [])
  t.same(found(fixture('network-attachment', 'ovn-localnet.json')), [])
  t.same(found(fixture('network-attachment', 'bridge-trunk.json')), [])
})

t.test('host-device is denied by default, with the reason', async (t) => {
  const [violation, ...rest] = found({ cniVersion: '1.0.0', type: 'host-device', device: 'ens5f1' })
  t.same(rest, [])
  t.match(violation, {
    ruleId: 'NAD-CNI-TYPE',
    action: 'deny',
    path: 'spec.config.type',
    message: 'spec.config.type host-device is not an allowed CNI plugin in namespace payments (it moves a node network device into the pod)',
    fix: /^use one of: macvlan, ipvlan, bridge, vlan, sriov, \.\.\.; or ask a cluster admin to allow it$/
  })
})

t.test('every dangerous setting of a conflist is found, each at its field', async (t) => {
  t.same(messages(fixture('network-attachment', 'dangerous-conflist.json')), [
    'spec.config.plugins[0].mode "passthru" gives the pod the whole node interface; not allowed in namespace payments',
    'spec.config.plugins[1].trust "on" lets the pod change its VF MAC address and see all traffic; not allowed in namespace payments',
    'spec.config.plugins[1].spoofchk "off" lets the pod send from any MAC address; not allowed in namespace payments',
    'spec.config.plugins[2].type host-device is not an allowed CNI plugin in namespace payments (it moves a node network device into the pod)',
    'spec.config.plugins[3].promisc true lets the pod see traffic meant for others; not allowed in namespace payments',
    'spec.config.plugins[3].sysctl["net.ipv4.ip_forward"] is not an allowed sysctl in namespace payments'
  ])
  t.match(found(fixture('network-attachment', 'dangerous-conflist.json'))[0], { fix: 'remove mode, or ask a cluster admin to allow macvlan-passthru here' })
})

t.test('dangerous values are matched case-insensitively; safe values pass', async (t) => {
  t.equal(found({ cniVersion: '1', type: 'macvlan', mode: 'PassThru' }).length, 1)
  t.same(found({ cniVersion: '1', type: 'macvlan', mode: 'bridge' }), [])
  t.same(found({ cniVersion: '1', type: 'sriov', trust: 'off', spoofchk: 'on' }), [])
  t.same(found({ cniVersion: '1', type: 'tuning', promisc: false }), [])
})

t.test('IPAM types: dhcp only where the policy says', async (t) => {
  const dhcp = { cniVersion: '1.0.0', type: 'macvlan', master: 'eth1', ipam: { type: 'dhcp' } }
  t.match(found(dhcp), [{
    path: 'spec.config.ipam.type',
    message: 'spec.config.ipam.type dhcp is not an allowed IPAM plugin in namespace payments',
    fix: 'use one of: host-local, static, whereabouts; or ask a cluster admin to allow it'
  }])
  const spec = `rules: { NAD-CNI-TYPE: { perNamespace: [${PAYMENTS}] } }`
  t.same(found(dhcp, spec), [])
  t.equal(found(dhcp, spec, 'shop').length, 1, 'another namespace still may not')
})

t.test('per-namespace entries add types and dangerous settings to the baseline', async (t) => {
  const spec = `rules: { NAD-CNI-TYPE: { allowedTypes: [macvlan], perNamespace: [
    { namespaces: ["dpdk-*"], cniTypes: [sriov], dangerousSettings: [sriov-trust] },
    { namespaces: ["dpdk-lab"], cniTypes: ["host-*"] } ] } }`
  const sriov = { cniVersion: '1.0.0', type: 'sriov', trust: 'on' }
  t.same(found(sriov, spec, 'dpdk-prod'), [])
  t.same(messages(sriov, spec, 'shop'), [
    'spec.config.type sriov is not an allowed CNI plugin in namespace shop',
    'spec.config.trust "on" lets the pod change its VF MAC address and see all traffic; not allowed in namespace shop'
  ])
  t.same(found({ cniVersion: '1.0.0', type: 'host-device', device: 'x' }, spec, 'dpdk-lab'), [])
  t.match(found({ cniVersion: '1.0.0', type: 'bridge' }, spec, 'dpdk-prod'), [{ fix: 'use one of: macvlan, sriov; or ask a cluster admin to allow it' }])
  t.same(found(sriov, 'rules: { NAD-CNI-TYPE: { allowedDangerousSettings: [sriov-trust] } }'), [])
})

t.test('sysctls: allow-list globs, and keys that could leave /proc/sys/net are refused', async (t) => {
  const tuning = (sysctl: unknown) => ({ cniVersion: '1.0.0', plugins: [{ type: 'macvlan', master: 'eth1' }, { type: 'tuning', sysctl }] })
  t.same(found(tuning({ 'net.ipv6.conf.IFNAME.accept_ra': '0' })), [])
  t.equal(found(tuning({ 'net.ipv4.conf.net1.arp_notify': '1' })).length, 1, 'the interface is spelled IFNAME')
  const spec = 'rules: { NAD-CNI-TYPE: { allowedSysctls: ["net.ipv4.conf.*.arp_notify", "net.*"] } }'
  t.same(found(tuning({ 'net.ipv4.conf.net1.arp_notify': '1' }), spec), [])
  t.same(messages(tuning({ 'net/../../kernel/x': '1', 'net..ipv4': '1' }), spec), [
    'spec.config.plugins[1].sysctl["net/../../kernel/x"] is not an allowed sysctl in namespace payments',
    'spec.config.plugins[1].sysctl["net..ipv4"] is not an allowed sysctl in namespace payments'
  ])
  t.same(found(tuning('net.core.somaxconn=5')), [], 'a sysctl that is not an object fails the plugin: NAD-CONFIG says so')
  t.match(violations('NAD-CONFIG', nad(tuning('net.core.somaxconn=5'))), [{ path: 'spec.config.plugins[1].sysctl', message: 'spec.config.plugins[1].sysctl is a string; expected an object' }])
  t.match(found(tuning({ 'net.core.somaxconn': '1' }), 'rules: { NAD-CNI-TYPE: { allowedSysctls: [] } }'), [{ fix: 'ask a cluster admin to allow it (IFNAME stands for the pod\'s interface)' }])
})

t.test('a plugin without a type, and an unreadable config, are left to NAD-CONFIG', async (t) => {
  t.same(found({ cniVersion: '1.0.0', plugins: [{ master: 'eth1' }] }), [])
  t.same(found('not json'), [])
  t.same(found(undefined), [])
})

t.test('both type and plugins: the single type and every list entry are checked', async (t) => {
  t.same(messages({ cniVersion: '1.0.0', type: 'macvlan', plugins: [{ type: 'host-device', device: 'x' }] }).length, 1)
})
