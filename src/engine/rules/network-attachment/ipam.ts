import { AddressSet, parseAddress, parseCidr, type Cidr } from '../../net/address-set.ts'
import { asList, asObject, asText, shown, type JsonObject } from '../../read.ts'

/** Something in spec.config that netguard could not read, with the field it is in. */
export interface ConfigProblem {
  readonly path: string
  /** A sentence that starts with the path. */
  readonly message: string
}

/** One block of addresses an attachment hands out. */
export interface IpamRange {
  /** The field that defines it, e.g. `spec.config.ipam.ranges[0][0].subnet`. */
  readonly path: string
  /** As written, e.g. `192.168.2.225-192.168.2.230/28`. */
  readonly text: string
  /** The network the addresses are in: what a pod on the attachment reaches on-link. */
  readonly subnet: AddressSet
  /** The addresses that may be handed out: range start to end, less exclusions. */
  readonly pool: AddressSet
}

export interface AddressPlan {
  readonly ranges: IpamRange[]
  readonly problems: ConfigProblem[]
}

/**
 * Reads every address form an `ipam` object can carry, whatever its `type` says, so that no
 * IPAM plugin can hand out addresses netguard did not look at: host-local `ranges` (a list of
 * range sets of `{subnet, rangeStart, rangeEnd}`) and the legacy top-level `subnet`; static (and
 * whereabouts) `addresses[].address`; whereabouts `range` (`a.b.c.d/nn` or
 * `a.b.c.d-e.f.g.h/nn`) with `range_start`, `range_end`, `exclude`, and `ipRanges[]` of the same.
 */
export function readIpam (ipam: JsonObject, path: string, plan: AddressPlan): void {
  if (ipam.ranges !== undefined) {
    eachEntry(ipam.ranges, `${path}.ranges`, 'a list of range sets', plan, (set, setPath) => {
      eachEntry(set, setPath, 'a list of ranges', plan, (range, rangePath) => readSubnetRange(range, rangePath, plan))
    })
  }
  if (ipam.subnet !== undefined) readSubnetRange(ipam, path, plan)
  if (ipam.addresses !== undefined) {
    eachEntry(ipam.addresses, `${path}.addresses`, 'a list', plan, (entry, entryPath) => readStaticAddress(entry, entryPath, plan))
  }
  if (ipam.range !== undefined) readWhereabouts(ipam, path, plan)
  if (ipam.ipRanges !== undefined) {
    eachEntry(ipam.ipRanges, `${path}.ipRanges`, 'a list', plan, (entry, entryPath) => readWhereabouts(entry, entryPath, plan))
  }
}

/**
 * Addresses a plugin's own fields request: static IPAM takes `args.cni.ips` (where a pod's
 * cni-args land) and `runtimeConfig.ips` as addresses, like `ipam.addresses`.
 */
export function readPluginArgs (plugin: JsonObject, path: string, plan: AddressPlan): void {
  const sources = [
    { path: `${path}.args.cni.ips`, value: asObject(asObject(plugin.args)?.cni)?.ips },
    { path: `${path}.runtimeConfig.ips`, value: asObject(plugin.runtimeConfig)?.ips }
  ]
  for (const source of sources) {
    for (const [index, text] of (asList(source.value) ?? []).entries()) readAddressText(text, `${source.path}[${index}]`, plan)
  }
}

/** OVN-Kubernetes secondary networks carry their own `subnets` (`cidr` or layer3 `cidr/hostPrefix`, comma-separated). */
export function readOvnSubnets (plugin: JsonObject, path: string, plan: AddressPlan): void {
  if (plugin.subnets === undefined) return
  const subnetsPath = `${path}.subnets`
  const texts = commaList(plugin.subnets, subnetsPath, plan)
  const excludes = plugin.excludeSubnets === undefined ? [] : commaList(plugin.excludeSubnets, `${path}.excludeSubnets`, plan)
  let excluded = AddressSet.EMPTY
  for (const text of excludes) {
    const cidr = prefixed(text)
    if (cidr === undefined) plan.problems.push({ path: `${path}.excludeSubnets`, message: `${path}.excludeSubnets entry ${shown(text)} is not a CIDR` })
    else excluded = excluded.union(AddressSet.of([cidr]))
  }
  for (const text of texts) {
    const cidr = prefixed(text.replace(/^(.+\/\d+)\/\d+$/, '$1'))
    if (cidr === undefined) {
      plan.problems.push({ path: subnetsPath, message: `${subnetsPath} entry ${shown(text)} is not a CIDR` })
      continue
    }
    const subnet = AddressSet.of([cidr])
    plan.ranges.push({ path: subnetsPath, text, subnet, pool: subnet.minus(excluded) })
  }
}

function commaList (value: unknown, path: string, plan: AddressPlan): string[] {
  if (typeof value !== 'string') {
    plan.problems.push({ path, message: `${path} ${shown(value)} is not a comma-separated list of CIDRs` })
    return []
  }
  return value.split(',').map((text) => text.trim()).filter((text) => text !== '')
}

function eachEntry (
  value: unknown,
  path: string,
  expected: string,
  plan: AddressPlan,
  read: (entry: unknown, path: string) => void
): void {
  const list = asList(value)
  if (list === undefined) {
    plan.problems.push({ path, message: `${path} is not ${expected}` })
    return
  }
  for (const [index, entry] of list.entries()) read(entry, `${path}[${index}]`)
}

/** host-local: `subnet`, optionally narrowed by `rangeStart` / `rangeEnd`. */
function readSubnetRange (value: unknown, path: string, plan: AddressPlan): void {
  const range = asObject(value)
  if (range === undefined) {
    plan.problems.push({ path, message: `${path} is not an object with a subnet` })
    return
  }
  const subnetPath = `${path}.subnet`
  const subnet = requirePrefixed(range.subnet, subnetPath, plan)
  if (subnet === undefined) return
  const pool = boundedPool(subnet, range, { start: 'rangeStart', end: 'rangeEnd' }, path, plan)
  if (pool !== undefined) plan.ranges.push({ path: subnetPath, text: subnet.text, subnet: AddressSet.of([subnet]), pool })
}

/** static: `address` is `10.10.0.1/24` (the address and its subnet) or a bare address. */
function readStaticAddress (value: unknown, path: string, plan: AddressPlan): void {
  const addressPath = `${path}.address`
  const written = asObject(value)?.address
  if (written === undefined) {
    plan.problems.push({ path: addressPath, message: `${addressPath} is missing` })
    return
  }
  readAddressText(written, addressPath, plan)
}

function readAddressText (written: unknown, addressPath: string, plan: AddressPlan): void {
  const text = asText(written)
  const host = text === undefined ? undefined : parseAddress(text.split('/')[0] ?? '')
  const network = text === undefined ? undefined : parseCidr(text)
  if (text === undefined || host === undefined || network === undefined) {
    plan.problems.push({ path: addressPath, message: `${addressPath} ${shown(written)} is not an address such as 10.10.0.1/24` })
    return
  }
  plan.ranges.push({ path: addressPath, text, subnet: AddressSet.of([network]), pool: AddressSet.of([host]) })
}

/**
 * whereabouts: `range` is a CIDR (addresses from its network address, or `range_start`, to its
 * last address, or `range_end`) or `first-last/prefix`, where `first` must be inside
 * `last/prefix`; `exclude` CIDRs are taken out of the pool.
 */
function readWhereabouts (value: unknown, path: string, plan: AddressPlan): void {
  const entry = asObject(value)
  if (entry === undefined) {
    plan.problems.push({ path, message: `${path} is not an object with a range` })
    return
  }
  const rangePath = `${path}.range`
  const text = asText(entry.range)
  let pool: AddressSet | undefined
  let subnet: Cidr | undefined
  const dash = text?.indexOf('-') ?? -1
  if (text !== undefined && dash > 0) {
    const first = parseAddress(text.slice(0, dash).trim())
    const lastText = text.slice(dash + 1).trim()
    subnet = prefixed(lastText)
    const last = parseAddress(lastText.split('/')[0] ?? '')
    if (first === undefined || subnet === undefined || last === undefined) {
      plan.problems.push({ path: rangePath, message: `${rangePath} ${shown(entry.range)} is not a range such as 192.168.2.225-192.168.2.230/28` })
      return
    }
    if (!inside(first, subnet)) {
      plan.problems.push({ path: rangePath, message: `${rangePath} ${text} starts outside ${lastText}` })
      return
    }
    pool = AddressSet.ofRange(first, last)
    if (pool === undefined) {
      plan.problems.push({ path: rangePath, message: `${rangePath} ${text} ends before it starts` })
      return
    }
  } else {
    subnet = requirePrefixed(entry.range, rangePath, plan)
    if (subnet === undefined) return
    pool = boundedPool(subnet, entry, { start: 'range_start', end: 'range_end' }, path, plan)
    if (pool === undefined) return
  }
  let excluded = AddressSet.EMPTY
  if (entry.exclude !== undefined) {
    eachEntry(entry.exclude, `${path}.exclude`, 'a list of CIDRs', plan, (cidrText, cidrPath) => {
      const cidr = requirePrefixed(cidrText, cidrPath, plan)
      if (cidr !== undefined) excluded = excluded.union(AddressSet.of([cidr]))
    })
  }
  plan.ranges.push({ path: rangePath, text: text ?? subnet.text, subnet: AddressSet.of([subnet]), pool: pool.minus(excluded) })
}

/** The subnet, narrowed to the optional start and end addresses, which must lie inside it. */
function boundedPool (
  subnet: Cidr,
  entry: JsonObject,
  fields: { readonly start: string, readonly end: string },
  path: string,
  plan: AddressPlan
): AddressSet | undefined {
  const bound = (field: string): Cidr | undefined => {
    const value = entry[field]
    if (value === undefined) return subnet
    const address = typeof value === 'string' ? parseAddress(value.trim()) : undefined
    const fieldPath = `${path}.${field}`
    if (address === undefined) {
      plan.problems.push({ path: fieldPath, message: `${fieldPath} ${shown(value)} is not an IP address` })
    } else if (!inside(address, subnet)) {
      plan.problems.push({ path: fieldPath, message: `${fieldPath} ${String(value)} is outside ${subnet.text}` })
    } else {
      return address
    }
    return undefined
  }
  const start = bound(fields.start)
  const end = bound(fields.end)
  if (start === undefined || end === undefined) return undefined
  const pool = AddressSet.ofRange(start, end)
  if (pool === undefined) plan.problems.push({ path: `${path}.${fields.end}`, message: `${path}.${fields.end} comes before ${fields.start}` })
  return pool
}

function inside (address: Cidr, subnet: Cidr): boolean {
  return AddressSet.of([subnet]).covers(AddressSet.of([address]))
}

/** A CIDR written with its prefix length; a bare address is not a subnet. */
function prefixed (text: string): Cidr | undefined {
  return text.includes('/') ? parseCidr(text) : undefined
}

function requirePrefixed (value: unknown, path: string, plan: AddressPlan): Cidr | undefined {
  const cidr = typeof value === 'string' ? prefixed(value) : undefined
  if (cidr === undefined) plan.problems.push({ path, message: `${path} ${shown(value)} is not a CIDR such as 192.168.50.0/24` })
  return cidr
}
