import { parseAddress, parseCidr, type Cidr } from '../../net/address-set.ts'
import { asList, asObject, jsonErrorReason, shown } from '../network-attachment/json.ts'

/** Multus: the extra networks a pod asks for. */
export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks'
/** Multus: a NAD that replaces the pod's cluster network. */
export const DEFAULT_NETWORK_ANNOTATION = 'v1.multus-cni.io/default-network'

/** One network a pod asks for. */
export interface NetworkSelection {
  readonly name: string
  /** The NAD's namespace when the selection names one; otherwise Multus uses the pod's. */
  readonly namespace: string | undefined
  readonly interface: string | undefined
  /** Static IPs asked for: as written (an address, or one with its prefix length), and the address. */
  readonly ips: readonly { readonly text: string, readonly address: Cidr }[]
}

export type ParsedNetworks =
  | { readonly selections: readonly NetworkSelection[] }
  | { readonly error: string }

// Multus: names and namespaces in the comma form are DNS-1123 labels; interface names are kernel names.
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const IFNAMSIZ = 15

/**
 * Parses the networks annotation in either of the forms Multus reads: a comma list of
 * `[namespace/]name[@interface]`, or (when the text contains `[`, `{` or `"`, as Multus decides)
 * a JSON list of `{name, namespace, interface, ips, mac, ...}`. Pure; a malformed annotation
 * comes back as an error sentence, never an exception.
 */
export function parseNetworksAnnotation (text: string): ParsedNetworks {
  if (text.trim() === '') return { selections: [] }
  return /[[{"]/.test(text) ? parseJson(text) : parseCommaList(text)
}

function parseCommaList (text: string): ParsedNetworks {
  const selections: NetworkSelection[] = []
  for (const [index, raw] of text.split(',').entries()) {
    const item = raw.trim()
    const where = `entry ${index + 1} ${JSON.stringify(item)}`
    const slash = item.split('/')
    if (slash.length > 2) return { error: `${where} has more than one "/"; expected namespace/name@interface` }
    const [namespace, rest] = slash.length === 2 ? [slash[0]?.trim(), slash[1] ?? ''] : [undefined, slash[0] ?? '']
    const at = rest.split('@')
    if (at.length > 2) return { error: `${where} has more than one "@"; expected namespace/name@interface` }
    const name = at[0]?.trim() ?? ''
    const ifname = at[1]?.trim()
    if (name === '') return { error: `${where} has no network name` }
    for (const part of [namespace, name]) {
      if (part !== undefined && part !== '' && !LABEL.test(part)) {
        return { error: `${where}: ${JSON.stringify(part)} must be lower-case letters, digits and "-", starting and ending with a letter or digit` }
      }
    }
    const ifError = interfaceError(ifname)
    if (ifError !== undefined) return { error: `${where}: ${ifError}` }
    selections.push({ name, namespace: namespace === '' ? undefined : namespace, interface: ifname === '' ? undefined : ifname, ips: [] })
  }
  return { selections }
}

function parseJson (text: string): ParsedNetworks {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { error: `it is not valid JSON (${jsonErrorReason(error)})` }
  }
  const list = asList(value)
  if (list === undefined) return { error: 'it is JSON but not a list; expected [{"name": "..."}]' }
  const selections: NetworkSelection[] = []
  for (const [index, entry] of list.entries()) {
    const where = `entry ${index + 1}`
    const selection = asObject(entry)
    if (selection === undefined) return { error: `${where} is not an object` }
    const { name, namespace } = selection
    if (typeof name !== 'string' || name.trim() === '') return { error: `${where} has no name` }
    if (namespace !== undefined && typeof namespace !== 'string') return { error: `${where} namespace ${shown(namespace)} is not a string` }
    // `interfaceRequest` is Multus's older spelling of `interface`.
    const ifname = selection.interface ?? selection.interfaceRequest
    if (ifname !== undefined && typeof ifname !== 'string') return { error: `${where} interface ${shown(ifname)} is not a string` }
    const ifError = interfaceError(ifname)
    if (ifError !== undefined) return { error: `${where}: ${ifError}` }
    const ips = selection.ips === undefined ? [] : asList(selection.ips)
    if (ips === undefined) return { error: `${where} ips is not a list` }
    const addresses: { text: string, address: Cidr }[] = []
    for (const ip of ips) {
      // `10.1.1.5/24` asks for 10.1.1.5 on a /24: the address is what the pod gets.
      const address = typeof ip === 'string' && parseCidr(ip) !== undefined ? parseAddress(ip.split('/')[0] ?? '') : undefined
      if (address === undefined) return { error: `${where} ips entry ${shown(ip)} is not an IP address` }
      addresses.push({ text: ip as string, address })
    }
    selections.push({
      name: name.trim(),
      namespace: namespace === undefined || namespace.trim() === '' ? undefined : namespace.trim(),
      interface: ifname === undefined || ifname === '' ? undefined : ifname,
      ips: addresses
    })
  }
  return { selections }
}

function interfaceError (ifname: string | undefined): string | undefined {
  if (ifname === undefined || ifname === '') return undefined
  if (ifname.length > IFNAMSIZ || /[\s/]/.test(ifname)) return `interface ${JSON.stringify(ifname)} must be at most ${IFNAMSIZ} characters without "/" or spaces`
  return undefined
}
