import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding, ReviewContext } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import {
  allowancesIn, allowsGlob, baseline, compilePerNamespace, DangerousSettingsSchema, describeGlobs, offer,
  PerNamespaceSchema, type Allowance, type DangerousSetting
} from './allowances.ts'
import type { CniPlugin } from './cni-config.ts'
import { asObject, shown, type JsonObject } from '../../read.ts'
import { distinctFindings, NAD_KIND, nadConfig } from './network-attachment.ts'

/** Why a plugin type is refused by default, where there is more to say than "not allowed". */
const TYPE_REASONS: Readonly<Record<string, string>> = {
  'host-device': 'it moves a node network device into the pod'
}

/** A plugin field whose value hands the pod more than its own interface. */
interface DangerousValue {
  readonly setting: DangerousSetting
  /** Where the plugin reads it: a field, or a field under `args.cni` (which tuning merges in). */
  readonly field: string
  readonly matches: (value: unknown) => boolean
  readonly effect: string
}

// Read on every plugin, whatever its type, so a renamed or wrapped plugin cannot slip past.
const DANGEROUS_VALUES: readonly DangerousValue[] = [
  { setting: 'macvlan-passthru', field: 'mode', matches: (value) => lower(value) === 'passthru', effect: 'gives the pod the whole node interface' },
  { setting: 'sriov-trust', field: 'trust', matches: (value) => lower(value) === 'on', effect: 'lets the pod change its VF MAC address and see all traffic' },
  { setting: 'sriov-spoofchk-off', field: 'spoofchk', matches: (value) => lower(value) === 'off', effect: 'lets the pod send from any MAC address' },
  { setting: 'tuning-promisc', field: 'promisc', matches: (value) => value === true, effect: 'lets the pod see traffic meant for others' },
  { setting: 'tuning-promisc', field: 'args.cni.promisc', matches: (value) => value === true, effect: 'lets the pod see traffic meant for others' }
]

/** tuning applies `sysctl` and, on top, `args.cni.sysctl`. */
const SYSCTL_FIELDS = ['sysctl', 'args.cni.sysctl'] as const

/** A dotted field of a plugin (`args.cni.promisc`), read through objects only. */
function fieldAt (fields: JsonObject, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((node, step) => asObject(node)?.[step], fields)
}

/** sysctl keys are file paths under /proc/sys/net: anything but plain names could leave it. */
const SYSCTL_KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/

export const nadCniType = defineRule({
  type: 'validate',
  id: 'NAD-CNI-TYPE',
  kinds: NAD_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'a CNI or IPAM plugin type not allowed (host-device by default), or a dangerous setting: macvlan passthru, SR-IOV trust on / spoofchk off, promiscuous mode, sysctls outside the allow-list',
  category: 'Multiple networks',
  severity: 'high',
  settings: Type.Object({
    allowedTypes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'CNI plugin types (globs) allowed in every namespace' })),
    allowedIpamTypes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'IPAM plugin types (globs) allowed in every namespace' })),
    allowedDangerousSettings: Type.Optional(DangerousSettingsSchema),
    allowedSysctls: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'tuning sysctls (globs) allowed in every namespace' })),
    perNamespace: Type.Optional(PerNamespaceSchema)
  }),
  defaults: {
    allowedTypes: ['macvlan', 'ipvlan', 'bridge', 'vlan', 'sriov', 'ovn-k8s-cni-overlay', 'tuning', 'portmap', 'bandwidth', 'firewall', 'sbr', 'vrf'],
    allowedIpamTypes: ['host-local', 'static', 'whereabouts'],
    allowedDangerousSettings: [],
    // OKD's default cni-sysctl-allowlist: interface-level settings of the pod's own interface.
    allowedSysctls: [
      'net.ipv4.conf.IFNAME.accept_redirects', 'net.ipv4.conf.IFNAME.accept_source_route', 'net.ipv4.conf.IFNAME.arp_accept',
      'net.ipv4.conf.IFNAME.arp_notify', 'net.ipv4.conf.IFNAME.disable_policy', 'net.ipv4.conf.IFNAME.secure_redirects',
      'net.ipv4.conf.IFNAME.send_redirects', 'net.ipv6.conf.IFNAME.accept_ra', 'net.ipv6.conf.IFNAME.accept_redirects',
      'net.ipv6.conf.IFNAME.accept_source_route', 'net.ipv6.conf.IFNAME.arp_accept', 'net.ipv6.conf.IFNAME.arp_notify',
      'net.ipv6.neigh.IFNAME.base_reachable_time_ms', 'net.ipv6.neigh.IFNAME.retrans_time_ms'
    ],
    perNamespace: []
  },
  compile: (settings) => ({
    base: baseline({
      cniTypes: compileGlobs(settings.allowedTypes),
      ipamTypes: compileGlobs(settings.allowedIpamTypes),
      dangerousSettings: settings.allowedDangerousSettings,
      sysctls: compileGlobs(settings.allowedSysctls)
    }),
    perNamespace: compilePerNamespace(settings.perNamespace)
  }),
  check (object, context, { base, perNamespace }) {
    const allowances = allowancesIn(base, perNamespace, context.namespace)
    return distinctFindings(nadConfig(object).plugins.flatMap((plugin) => [
      ...checkTypes(plugin, allowances, context),
      ...checkDangerous(plugin, allowances, context),
      ...checkSysctls(plugin, allowances, context)
    ]))
  }
})

function checkTypes (plugin: CniPlugin, allowances: readonly Allowance[], context: ReviewContext): Finding[] {
  const findings: Finding[] = []
  if (plugin.type !== undefined && !allowsGlob(allowances, 'cniTypes', plugin.type)) {
    const path = `${plugin.path}.type`
    const reason = TYPE_REASONS[plugin.type]
    findings.push({
      path,
      message: `${path} ${plugin.type} is not an allowed CNI plugin ${inNamespace(context)}${reason === undefined ? '' : ` (${reason})`}`,
      fix: offer(describeGlobs(allowances, 'cniTypes'), 'ask a cluster admin to allow it')
    })
  }
  if (plugin.ipamType !== undefined && !allowsGlob(allowances, 'ipamTypes', plugin.ipamType)) {
    const path = `${plugin.path}.ipam.type`
    findings.push({
      path,
      message: `${path} ${plugin.ipamType} is not an allowed IPAM plugin ${inNamespace(context)}`,
      fix: offer(describeGlobs(allowances, 'ipamTypes'), 'ask a cluster admin to allow it')
    })
  }
  return findings
}

function checkDangerous (plugin: CniPlugin, allowances: readonly Allowance[], context: ReviewContext): Finding[] {
  const findings: Finding[] = []
  for (const { setting, field, matches, effect } of DANGEROUS_VALUES) {
    const value = fieldAt(plugin.fields, field)
    if (!matches(value) || allowances.some((allowance) => allowance.dangerousSettings.includes(setting))) continue
    const path = `${plugin.path}.${field}`
    findings.push({
      path,
      message: `${path} ${shown(value)} ${effect}; not allowed ${inNamespace(context)}`,
      fix: `remove ${field}, or ask a cluster admin to allow ${setting} here`
    })
  }
  return findings
}

function checkSysctls (plugin: CniPlugin, allowances: readonly Allowance[], context: ReviewContext): Finding[] {
  const findings: Finding[] = []
  for (const field of SYSCTL_FIELDS) {
    // A sysctl field that is not an object is a type problem (NAD-CONFIG): the plugin fails.
    for (const key of Object.keys(asObject(fieldAt(plugin.fields, field)) ?? {})) {
      if (SYSCTL_KEY.test(key) && allowsGlob(allowances, 'sysctls', key)) continue
      const path = `${plugin.path}.${field}[${JSON.stringify(key)}]`
      findings.push({
        path,
        message: `${path} is not an allowed sysctl ${inNamespace(context)}`,
        fix: offer(describeGlobs(allowances, 'sysctls'), 'ask a cluster admin to allow it (IFNAME stands for the pod\'s interface)')
      })
    }
  }
  return findings
}

function lower (value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim().toLowerCase() : undefined
}
