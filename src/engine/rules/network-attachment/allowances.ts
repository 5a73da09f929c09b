import Type, { type Static } from 'typebox'
import { compileGlobs, type GlobSet } from '../../glob.ts'
import { AddressSet } from '../../net/address-set.ts'
import { requireCidr } from '../../net/cidr-settings.ts'
import { SettingError } from '../../rule.ts'

/** Plugin settings that hand a pod more than its own interface; each is refused unless allowed. */
export const DANGEROUS_SETTINGS = ['macvlan-passthru', 'sriov-trust', 'sriov-spoofchk-off', 'tuning-promisc'] as const
export type DangerousSetting = typeof DANGEROUS_SETTINGS[number]

const globs = (description: string) => Type.Array(Type.String({ minLength: 1 }), { description })

export const DangerousSettingsSchema = Type.Array(Type.Enum([...DANGEROUS_SETTINGS]), {
  description: 'dangerous plugin settings allowed: macvlan-passthru, sriov-trust, sriov-spoofchk-off, tuning-promisc'
})

export const VlansSchema = Type.Array(Type.Union([
  Type.Integer({ minimum: 1, maximum: 4094 }),
  Type.String({ pattern: '^\\d{1,4}-\\d{1,4}$', description: 'a VLAN range such as 100-199' })
]), { description: 'VLAN ids (1-4094) and ranges such as "100-199"' })

/**
 * The one per-namespace shape every Multus rule reads (NAD-CNI-TYPE, NAD-MASTER, NAD-VLAN,
 * NAD-IPAM-RANGE, POD-NETWORKS), so that "namespace payments may use macvlan on eth1, VLAN 50,
 * inside 192.168.50.0/24" is written once (policies/multus.yaml shares it with a YAML anchor).
 * Each rule reads the fields it is about. An entry adds to the rule's baseline for the
 * namespaces it matches; several matching entries add up, field by field.
 */
export const PerNamespaceSchema = Type.Array(Type.Object({
  namespaces: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'namespaces (globs) this entry applies to' }),
  cniTypes: Type.Optional(globs('CNI plugin types (globs), e.g. macvlan (NAD-CNI-TYPE)')),
  ipamTypes: Type.Optional(globs('IPAM plugin types (globs), e.g. whereabouts or dhcp (NAD-CNI-TYPE)')),
  dangerousSettings: Type.Optional(DangerousSettingsSchema),
  sysctls: Type.Optional(globs('tuning sysctls (globs) (NAD-CNI-TYPE)')),
  interfaces: Type.Optional(globs('node interfaces (globs): master, bridge, host-device device, OVN physicalNetworkName (NAD-MASTER)')),
  vlans: Type.Optional(VlansSchema),
  cidrs: Type.Optional(Type.Array(Type.String(), { description: 'CIDRs for IPAM ranges and pod static IPs (NAD-IPAM-RANGE, POD-NETWORKS)' }))
}, { additionalProperties: false }), { description: 'per-namespace additions to the allowed types, interfaces, VLANs and CIDRs' })

export type PerNamespaceSetting = Static<typeof PerNamespaceSchema>

export interface VlanRange {
  readonly min: number
  readonly max: number
}

/** What one entry (or a rule's baseline) allows, compiled. */
export interface Allowance {
  readonly namespaces: GlobSet
  readonly cniTypes: GlobSet
  readonly ipamTypes: GlobSet
  readonly dangerousSettings: readonly string[]
  readonly sysctls: GlobSet
  readonly interfaces: GlobSet
  readonly vlans: readonly VlanRange[]
  readonly cidrs: AddressSet
  /** The CIDRs as written, for messages. */
  readonly cidrTexts: readonly string[]
}

export type GlobField = 'cniTypes' | 'ipamTypes' | 'sysctls' | 'interfaces'

const EVERY_NAMESPACE = compileGlobs(['*'])
const NONE = compileGlobs([])

/** A rule's own baseline (its `allowed...` settings), which applies in every namespace. */
export function baseline (parts: Partial<Omit<Allowance, 'namespaces'>>): Allowance {
  return {
    namespaces: EVERY_NAMESPACE,
    cniTypes: NONE,
    ipamTypes: NONE,
    dangerousSettings: [],
    sysctls: NONE,
    interfaces: NONE,
    vlans: [],
    cidrs: AddressSet.EMPTY,
    cidrTexts: [],
    ...parts
  }
}

/** Compiles the `perNamespace` setting; a bad CIDR or VLAN range names its entry and index. */
export function compilePerNamespace (entries: PerNamespaceSetting, field = 'perNamespace'): readonly Allowance[] {
  return entries.map((entry, index) => ({
    namespaces: compileGlobs(entry.namespaces),
    cniTypes: compileGlobs(entry.cniTypes ?? []),
    ipamTypes: compileGlobs(entry.ipamTypes ?? []),
    dangerousSettings: entry.dangerousSettings ?? [],
    sysctls: compileGlobs(entry.sysctls ?? []),
    interfaces: compileGlobs(entry.interfaces ?? []),
    vlans: compileVlans(entry.vlans ?? [], [field, index, 'vlans']),
    cidrs: compileCidrList(entry.cidrs ?? [], [field, index, 'cidrs']),
    cidrTexts: entry.cidrs ?? []
  }))
}

/** The allowances in force in a namespace: the baseline, then every entry that matches it. */
export function allowancesIn (base: Allowance, perNamespace: readonly Allowance[], namespace: string | undefined): readonly Allowance[] {
  if (namespace === undefined) return [base]
  return [base, ...perNamespace.filter((entry) => entry.namespaces.matches(namespace))]
}

export function allowsGlob (allowances: readonly Allowance[], field: GlobField, value: string): boolean {
  return allowances.some((allowance) => allowance[field].matches(value))
}

export function allowsVlan (allowances: readonly Allowance[], id: number): boolean {
  return allowances.some((allowance) => allowance.vlans.some((range) => range.min <= id && id <= range.max))
}

export function allowedCidrs (allowances: readonly Allowance[]): AddressSet {
  // The baseline alone (the usual case) is used as compiled: no per-review union of its ranges.
  const [first, ...rest] = allowances
  return rest.reduce((set, allowance) => set.union(allowance.cidrs), first?.cidrs ?? AddressSet.EMPTY)
}

/** What a namespace may use in one field, for a fix message: `eth1, eth2`, or `none`. */
export function describeGlobs (allowances: readonly Allowance[], field: GlobField): string {
  return describe(each(allowances, (allowance) => allowance[field].patterns))
}

export function describeCidrs (allowances: readonly Allowance[]): string {
  return describe(each(allowances, (allowance) => allowance.cidrTexts))
}

export function describeVlans (allowances: readonly Allowance[]): string {
  return describe(allowances.flatMap((allowance) => allowance.vlans.map(({ min, max }) => (min === max ? `${min}` : `${min}-${max}`))))
}

/** A fix that offers what is allowed (`use one of: ...; or ...`), or only `ask` when nothing is. */
export function offer (described: string, ask: string): string {
  return described === 'none' ? ask : `use one of: ${described}; or ${ask}`
}

/** The values of every allowance, lazily: a policy may allow 10,000 ranges, a message names five. */
function * each (allowances: readonly Allowance[], values: (allowance: Allowance) => readonly string[]): Generator<string> {
  for (const allowance of allowances) yield * values(allowance)
}

function describe (values: Iterable<string>): string {
  // Stops at the sixth distinct value: a message names a few, whatever the number allowed.
  const unique = new Set<string>()
  for (const value of values) {
    unique.add(value)
    if (unique.size > 5) break
  }
  if (unique.size === 0) return 'none'
  return unique.size > 5 ? `${[...unique].slice(0, 5).join(', ')}, ...` : [...unique].join(', ')
}

export function compileVlans (values: readonly (number | string)[], path: readonly (string | number)[]): readonly VlanRange[] {
  return values.map((value, index) => {
    const [min, max] = typeof value === 'number' ? [value, value] : value.split('-').map(Number) as [number, number]
    if (!(min >= 1 && max <= 4094 && min <= max)) {
      throw new SettingError([...path, index], `expected a VLAN id 1-4094 or a range such as 100-199, got "${value}"`)
    }
    return { min, max }
  })
}

export function compileCidrList (texts: readonly string[], path: readonly (string | number)[]): AddressSet {
  return AddressSet.of(texts.map((text, index) => requireCidr([...path, index], text)))
}

/** Ranges no attachment may touch, kept one by one so a message can name the one that was hit. */
export interface ForbiddenCidrs {
  readonly entries: readonly { readonly text: string, readonly set: AddressSet }[]
}

export function compileForbidden (texts: readonly string[], field: string): ForbiddenCidrs {
  return { entries: texts.map((text, index) => ({ text, set: AddressSet.of([requireCidr([field, index], text)]) })) }
}

/** The first forbidden range that `set` touches, if any. */
export function forbiddenOverlap (forbidden: ForbiddenCidrs, set: AddressSet): string | undefined {
  return forbidden.entries.find((entry) => entry.set.overlaps(set))?.text
}

/**
 * The compiled settings of a rule that judges addresses by allowed and forbidden CIDRs (NAD-IPAM-RANGE
 * and the rules that inherit its settings).
 */
export function compileCidrAllowances (settings: { readonly allowedCidrs: readonly string[], readonly forbiddenCidrs: readonly string[], readonly perNamespace: PerNamespaceSetting }): {
  base: Allowance
  forbidden: ForbiddenCidrs
  perNamespace: readonly Allowance[]
} {
  return {
    base: baseline({ cidrs: compileCidrList(settings.allowedCidrs, ['allowedCidrs']), cidrTexts: settings.allowedCidrs }),
    forbidden: compileForbidden(settings.forbiddenCidrs, 'forbiddenCidrs'),
    perNamespace: compilePerNamespace(settings.perNamespace)
  }
}
