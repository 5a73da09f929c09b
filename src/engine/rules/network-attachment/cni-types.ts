import { goMap, goPointer, goSlice, goStruct, GO_BOOL, GO_INT, GO_STRING, type GoType } from '../../go-json.ts'

// The Go structs that read spec.config, as far as netguard reads it: containernetworking/cni's
// NetConf and NetConfList (Multus, libcni), the reference plugins' NetConf (macvlan, ipvlan,
// vlan, bridge, host-device, tuning), sriov-cni, OVN-Kubernetes' secondary-network NetConf,
// and the IPAM plugins host-local, static and whereabouts. A field name here is the json tag
// of the struct that reads it; Go matches keys to it case-insensitively.

/** tuning and static read `args.cni` (a pod's `cni-args` land here too): sysctls, promisc, IPs. */
const CNI_ARGS = goStruct({
  sysctl: goPointer(goMap(GO_STRING)),
  promisc: goPointer(GO_BOOL),
  mac: goPointer(GO_STRING),
  mtu: goPointer(GO_INT),
  allmulti: goPointer(GO_BOOL),
  ips: goSlice(GO_STRING)
})

/** host-local `ranges[][]` entries, and the legacy range host-local embeds in its ipam object. */
const HOST_LOCAL_RANGE = {
  subnet: GO_STRING,
  rangeStart: GO_STRING,
  rangeEnd: GO_STRING,
  gateway: GO_STRING
} as const

/** whereabouts: the ipam object and each `ipRanges[]` entry. */
const WHEREABOUTS_RANGE = {
  range: GO_STRING,
  range_start: GO_STRING,
  range_end: GO_STRING,
  exclude: goSlice(GO_STRING)
} as const

const IPAM = goStruct({
  type: GO_STRING,
  routes: goSlice(goStruct({ dst: GO_STRING, gw: GO_STRING })),
  ranges: goSlice(goSlice(goStruct(HOST_LOCAL_RANGE))),
  ...HOST_LOCAL_RANGE,
  addresses: goSlice(goStruct({ address: GO_STRING, gateway: GO_STRING })),
  ...WHEREABOUTS_RANGE,
  ipRanges: goSlice(goStruct(WHEREABOUTS_RANGE))
})

/** Every plugin field a rule reads, whatever the plugin: a renamed plugin reads the same keys. */
const PLUGIN_FIELDS = {
  cniVersion: GO_STRING,
  name: GO_STRING,
  type: GO_STRING,
  capabilities: goMap(GO_BOOL),
  ipam: IPAM,
  args: goPointer(goStruct({ cni: goPointer(CNI_ARGS) })),
  // static reads runtimeConfig.ips as addresses; a NAD may write runtimeConfig itself.
  runtimeConfig: goPointer(goStruct({ ips: goSlice(GO_STRING) })),
  // macvlan, ipvlan, vlan
  master: GO_STRING,
  mode: GO_STRING,
  linkInContainer: GO_BOOL,
  // bridge
  bridge: GO_STRING,
  vlan: GO_INT,
  vlanTrunk: goSlice(goStruct({ minID: goPointer(GO_INT), maxID: goPointer(GO_INT), id: goPointer(GO_INT) })),
  // vlan's vlanId; OVN-Kubernetes spells it vlanID, which Go folds onto the same name
  vlanId: GO_INT,
  // host-device
  device: GO_STRING,
  // sriov
  trust: GO_STRING,
  spoofchk: GO_STRING,
  // tuning
  promisc: GO_BOOL,
  sysctl: goMap(GO_STRING),
  // OVN-Kubernetes secondary networks
  topology: GO_STRING,
  physicalNetworkName: GO_STRING,
  subnets: GO_STRING,
  excludeSubnets: GO_STRING
} as const

export const CNI_PLUGIN: GoType = goStruct(PLUGIN_FIELDS)

/** spec.config: one plugin, or a conflist (Multus tells them apart by `type`). */
export const CNI_CONFIG: GoType = goStruct({
  ...PLUGIN_FIELDS,
  plugins: goSlice(CNI_PLUGIN),
  disableCheck: GO_BOOL,
  disableGC: GO_BOOL,
  loadOnlyInlinedPlugins: GO_BOOL
})
