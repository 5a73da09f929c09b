import t from 'tap'
import { nad, PAYMENTS, violations } from './helpers.ts'

// spec.config is judged as Multus, libcni and the plugins read it (Go's encoding/json), not as
// JSON.parse does: keys fold case, the last one wins, at every level. Each case here was
// allowed when netguard read the text with JSON.parse.

const GRANTS = ['NAD-CNI-TYPE', 'NAD-MASTER', 'NAD-VLAN', 'NAD-IPAM-RANGE'].map((rule) => `${rule}: { perNamespace: [${PAYMENTS}] }`).join(', ')
const POLICY = `rules: { ${GRANTS} }`
/** The same grants, with NAD-CONFIG switched off: the other rules must still judge what runs. */
const WITHOUT_NAD_CONFIG = `rules: { ${GRANTS}, NAD-CONFIG: { action: off } }`

const found = (rule: string, text: string, spec = POLICY) => violations(rule, nad(text), spec).map((violation) => `${violation.path}: ${violation.message}`)

t.test('"Type" after "type" runs the later plugin type', async (t) => {
  const text = '{"cniVersion": "1.0.0", "type": "macvlan", "master": "eth1", "Type": "host-device"}'
  for (const spec of [POLICY, WITHOUT_NAD_CONFIG]) {
    t.same(found('NAD-CNI-TYPE', text, spec), [
      'spec.config.type: spec.config.type host-device is not an allowed CNI plugin in namespace payments (it moves a node network device into the pod)'
    ])
  }
  t.same(found('NAD-CONFIG', text), [
    'spec.config.Type: spec.config.Type and spec.config.type are the same field to Go, and Go readers disagree on which one wins',
    'spec.config.Type: spec.config.Type is read as spec.config.type by Go; write type'
  ])
})

t.test('"Master" after "master" attaches to the later interface, in either order the readers see', async (t) => {
  const denied = ['spec.config.master: spec.config.master eth9 is not an allowed interface in namespace payments']
  t.same(found('NAD-MASTER', '{"cniVersion": "1.0.0", "type": "macvlan", "master": "eth1", "Master": "eth9"}', WITHOUT_NAD_CONFIG), denied, 'as written: the last key')
  // libcni marshals the plugin again with sorted keys before macvlan reads it: "Master" < "master".
  t.same(found('NAD-MASTER', '{"cniVersion": "1.0.0", "type": "macvlan", "master": "eth9", "Master": "eth1"}', WITHOUT_NAD_CONFIG), denied, 'as the plugin reads it')
  t.same(found('NAD-MASTER', '{"cniVersion": "1.0.0", "type": "macvlan", "MASTER": "eth9"}', WITHOUT_NAD_CONFIG), denied, 'a lone case variant')
  t.same(found('NAD-MASTER', '{"cniVersion": "1.0.0", "type": "macvlan", "maſter": "eth9"}', WITHOUT_NAD_CONFIG), denied, 'a long s folds onto s')
  t.same(found('NAD-MASTER', '{"cniVersion": "1.0.0", "type": "macvlan", "master": "eth1"}'), [], 'the plain config is allowed')
})

t.test('conflist entries, ipam, ranges and addresses are read the same way, at every level', async (t) => {
  const conflist = '{"cniVersion": "1.0.0", "Plugins": [{"Type": "macvlan", "Master": "eth1", "IPAM": {"Type": "host-local", "Ranges": [[{"Subnet": "10.128.0.0/24"}]]}}]}'
  t.same(found('NAD-IPAM-RANGE', conflist, WITHOUT_NAD_CONFIG), [
    'spec.config.plugins[0].ipam.ranges[0][0].subnet: spec.config.plugins[0].ipam.ranges[0][0].subnet 10.128.0.0/24 overlaps the forbidden range 10.128.0.0/14'
  ])
  t.equal(found('NAD-CONFIG', conflist).length, 7, 'each misspelt key is named')
  const merged = '{"cniVersion": "1.0.0", "type": "macvlan", "master": "eth1", "ipam": {"type": "static", "addresses": [{"address": "192.168.50.5/24"}]}, "Ipam": {"Addresses": [{"Address": "172.30.0.10/16"}]}}'
  t.same(found('NAD-IPAM-RANGE', merged, WITHOUT_NAD_CONFIG), [
    'spec.config.ipam.addresses[0].address: spec.config.ipam.addresses[0].address 172.30.0.10/16 overlaps the forbidden range 172.30.0.0/16'
  ], 'the later ipam merges into the earlier one, element by element')
  const whereabouts = '{"cniVersion": "1.0.0", "type": "macvlan", "master": "eth1", "ipam": {"type": "whereabouts", "IPRanges": [{"Range": "169.254.169.0/24"}]}}'
  t.same(found('NAD-IPAM-RANGE', whereabouts, WITHOUT_NAD_CONFIG), [
    'spec.config.ipam.ipRanges[0].range: spec.config.ipam.ipRanges[0].range 169.254.169.0/24 overlaps the forbidden range 169.254.0.0/16'
  ])
  const vlan = '{"cniVersion": "1.0.0", "type": "vlan", "master": "eth1", "vlanId": 50, "VLANID": 51}'
  t.same(found('NAD-VLAN', vlan, WITHOUT_NAD_CONFIG), ['spec.config.vlanId: spec.config.vlanId 51 is not an allowed VLAN in namespace payments'])
  t.same(found('NAD-CONFIG', '{"cniVersion": "1.0.0", "type": "ovn-k8s-cni-overlay", "vlanID": 50}'), [], 'vlanID is how OVN-Kubernetes spells it')
})

t.test('what tuning and static read from args.cni and runtimeConfig is judged like the fields themselves', async (t) => {
  const tuning = '{"cniVersion": "1.0.0", "plugins": [{"type": "macvlan", "master": "eth1"}, {"type": "tuning", "args": {"cni": {"promisc": true, "sysctl": {"net.ipv4.ip_forward": "1"}}}}]}'
  t.same(found('NAD-CNI-TYPE', tuning), [
    'spec.config.plugins[1].args.cni.promisc: spec.config.plugins[1].args.cni.promisc true lets the pod see traffic meant for others; not allowed in namespace payments',
    'spec.config.plugins[1].args.cni.sysctl["net.ipv4.ip_forward"]: spec.config.plugins[1].args.cni.sysctl["net.ipv4.ip_forward"] is not an allowed sysctl in namespace payments'
  ])
  const staticArgs = '{"cniVersion": "1.0.0", "type": "macvlan", "master": "eth1", "args": {"cni": {"ips": ["10.128.0.5/24"]}}, "runtimeConfig": {"ips": ["192.168.60.5/24"]}, "ipam": {"type": "static"}}'
  t.same(found('NAD-IPAM-RANGE', staticArgs), [
    'spec.config.args.cni.ips[0]: spec.config.args.cni.ips[0] 10.128.0.5/24 overlaps the forbidden range 10.128.0.0/14',
    'spec.config.runtimeConfig.ips[0]: spec.config.runtimeConfig.ips[0] 192.168.60.5/24 is not inside the CIDRs allowed in namespace payments'
  ])
})

t.test('types Go refuses are NAD-CONFIG findings naming the field and the type expected', async (t) => {
  t.same(found('NAD-CONFIG', '{"cniVersion": "1.0.0", "type": "bridge", "bridge": "br0", "vlan": "50", "promisc": "true", "ipam": {"type": "host-local", "ranges": [{"subnet": "192.168.50.0/24"}]}}'), [
    'spec.config.ipam.ranges[0]: spec.config.ipam.ranges[0] is an object; expected a list',
    'spec.config.promisc: spec.config.promisc is a string; expected true or false',
    'spec.config.vlan: spec.config.vlan is a string; expected an integer'
  ], 'in the order the plugin reads them (keys sorted)')
  t.same(found('NAD-CONFIG', '{"cniVersion": "1.0.0", "type": "bridge", "bridge": "br0", "vlan": 50.0}'), [], 'libcni hands the plugin 50: it runs')
  t.same(found('NAD-CONFIG', '{"cniVersion": "1.0.0", "type": "bridge", "bridge": "br0", "bridge": "br1"}'), ['spec.config.bridge: spec.config.bridge is written twice'])
})
