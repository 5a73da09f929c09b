import { decodeGo, goMap, goPointer, goSlice, goStruct, GO_ANY, GO_INT, GO_STRING, parseRawJson, type GoJsonProblem } from '../../go-json.ts'
import { parseAddress, parseCidr, type Cidr } from '../../net/address-set.ts'
import { asList, asObject, shown } from '../../read.ts'

/** Multus: the extra networks a pod asks for. */
export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks'
/** Multus: a NAD that replaces the pod's cluster network. */
export const DEFAULT_NETWORK_ANNOTATION = 'v1.multus-cni.io/default-network'

/** A host port the pod asks the portmap plugin for (runtimeConfig portMappings). */
export interface PortMapping {
  readonly hostPort: unknown
  readonly containerPort: unknown
}

/** One network a pod asks for. */
export interface NetworkSelection {
  readonly name: string
  /** The NAD's namespace when the selection names one; otherwise Multus uses the pod's. */
  readonly namespace: string | undefined
  readonly interface: string | undefined
  /** Static IPs asked for: as written (an address, or one with its prefix length), and the address. */
  readonly ips: readonly { readonly text: string, readonly address: Cidr }[]
  /** `portMappings`: host ports the portmap plugin opens on the node. */
  readonly portMappings: readonly PortMapping[]
  /** Fields handed to the plugins as they are (`cni-args`, `deviceID`), which netguard cannot vet. */
  readonly passThrough: readonly string[]
}

/**
 * What the annotation asks for as Multus reads it, and what is wrong with it. A selection is
 * kept even when something about it is wrong, so it is judged on what it names as well.
 */
export interface ParsedNetworks {
  readonly selections: readonly NetworkSelection[]
  readonly problems: readonly string[]
}

// Multus: names and namespaces in the comma form are DNS-1123 labels; interface names are kernel names.
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const IFNAMSIZ = 15

/** Multus's NetworkSelectionElement (network-attachment-definition-client), as Go decodes it. */
const NETWORK_SELECTION = goStruct({
  name: GO_STRING,
  namespace: GO_STRING,
  ips: goSlice(GO_STRING),
  mac: GO_STRING,
  'infiniband-guid': GO_STRING,
  interface: GO_STRING,
  // Multus's spelling before 3.2, still read when `interface` is empty.
  interfaceRequest: GO_STRING,
  portMappings: goSlice(goStruct({ hostPort: GO_INT, containerPort: GO_INT, protocol: GO_STRING, hostIP: GO_STRING })),
  bandwidth: goPointer(goStruct({ ingressRate: GO_INT, ingressBurst: GO_INT, egressRate: GO_INT, egressBurst: GO_INT })),
  deviceID: GO_STRING,
  'cni-args': goPointer(goMap(GO_ANY)),
  'default-route': goPointer(goSlice(GO_STRING)),
  'ipam-claim-reference': GO_STRING
})

const PASS_THROUGH = ['cni-args', 'deviceID'] as const

/**
 * Parses the networks annotation in either of the forms Multus reads: a comma list of
 * `[namespace/]name[@interface]`, or (when the text contains `[`, `{` or `"`, as Multus decides)
 * a JSON list of NetworkSelectionElement, read as Go reads it (`"Namespace"` is `namespace`,
 * the last of two keys wins). Pure: a malformed annotation gives problems, never an exception.
 */
export function parseNetworksAnnotation (text: string): ParsedNetworks {
  if (text.trim() === '') return { selections: [], problems: [] }
  return /[[{"]/.test(text) ? parseJson(text) : parseCommaList(text)
}

function parseCommaList (text: string): ParsedNetworks {
  const selections: NetworkSelection[] = []
  const problems: string[] = []
  for (const [index, raw] of text.split(',').entries()) {
    const item = raw.trim()
    const where = `entry ${index + 1} ${JSON.stringify(item)}`
    const slash = item.split('/')
    if (slash.length > 2) return failed(`${where} has more than one "/"; expected namespace/name@interface`)
    const [namespace, rest] = slash.length === 2 ? [slash[0]?.trim(), slash[1] ?? ''] : [undefined, slash[0] ?? '']
    const at = rest.split('@')
    if (at.length > 2) return failed(`${where} has more than one "@"; expected namespace/name@interface`)
    const name = at[0]?.trim() ?? ''
    const ifname = at[1]?.trim()
    if (name === '') return failed(`${where} has no network name`)
    for (const part of [namespace, name]) {
      if (part !== undefined && part !== '' && !LABEL.test(part)) {
        problems.push(`${where}: ${JSON.stringify(part)} must be lower-case letters, digits and "-", starting and ending with a letter or digit`)
      }
    }
    const ifError = interfaceError(ifname)
    if (ifError !== undefined) problems.push(`${where}: ${ifError}`)
    selections.push({
      name,
      namespace: namespace === '' ? undefined : namespace,
      interface: ifname === '' ? undefined : ifname,
      ips: [],
      portMappings: [],
      passThrough: []
    })
  }
  return { selections, problems }
}

function parseJson (text: string): ParsedNetworks {
  const parsed = parseRawJson(text)
  if ('error' in parsed) return failed(`it is not valid JSON (${parsed.error})`)
  if (parsed.value.kind !== 'array') return failed('it is JSON but not a list; expected [{"name": "..."}]')
  const decoding: GoJsonProblem[] = []
  const list = asList(decodeGo(parsed.value, goSlice(NETWORK_SELECTION), '', decoding)) ?? []
  const problems = decoding.map(({ path, message }) => readable(path, message))
  const selections: NetworkSelection[] = []
  for (const [index, entry] of list.entries()) {
    const where = `entry ${index + 1}`
    const selection = asObject(entry)
    if (selection === undefined) {
      // A type problem already when it is not null; Multus dereferences a null entry and fails.
      if (entry === undefined) problems.push(`${where} is null`)
      continue
    }
    const read = readSelection(selection, where, problems)
    if (read !== undefined) selections.push(read)
  }
  return { selections, problems }
}

function readSelection (selection: Readonly<Record<string, unknown>>, where: string, problems: string[]): NetworkSelection | undefined {
  const { name, namespace } = selection
  if (typeof name !== 'string' || name.trim() === '') {
    problems.push(`${where} has no name`)
    return undefined
  }
  const ifname = nonEmpty(selection.interface) ?? nonEmpty(selection.interfaceRequest)
  const ifError = interfaceError(ifname)
  if (ifError !== undefined) problems.push(`${where}: ${ifError}`)
  const addresses: { text: string, address: Cidr }[] = []
  for (const ip of asList(selection.ips) ?? []) {
    // `10.1.1.5/24` asks for 10.1.1.5 on a /24: the address is what the pod gets.
    const address = typeof ip === 'string' && parseCidr(ip) !== undefined ? parseAddress(ip.split('/')[0] ?? '') : undefined
    if (address === undefined) problems.push(`${where} ips entry ${shown(ip)} is not an IP address`)
    else addresses.push({ text: ip as string, address })
  }
  const portMappings = (asList(selection.portMappings) ?? []).flatMap((entry) => {
    const mapping = asObject(entry)
    return mapping === undefined ? [] : [{ hostPort: mapping.hostPort, containerPort: mapping.containerPort }]
  })
  return {
    name: name.trim(),
    namespace: typeof namespace === 'string' && namespace.trim() !== '' ? namespace.trim() : undefined,
    interface: ifname,
    ips: addresses,
    portMappings,
    passThrough: PASS_THROUGH.filter((field) => isSet(selection[field]))
  }
}

/** `[0].Namespace is read as [0].namespace by Go; write namespace` → `entry 1: Namespace is ...`. */
function readable (path: string, message: string): string {
  const entry = /^\[(\d+)\]/.exec(path)
  const where = entry === null ? 'the list' : `entry ${Number(entry[1]) + 1}`
  const rest = message.replaceAll(/(^|\s)\[\d+\]\.?/g, '$1').trimStart()
  return rest.startsWith('is ') ? `${where} ${rest}` : `${where}: ${rest}`
}

function nonEmpty (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function isSet (value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false
  return typeof value !== 'object' || Object.keys(value).length > 0
}

function failed (problem: string): ParsedNetworks {
  return { selections: [], problems: [problem] }
}

function interfaceError (ifname: string | undefined): string | undefined {
  if (ifname === undefined || ifname === '') return undefined
  if (ifname.length > IFNAMSIZ || /[\s/]/.test(ifname)) return `interface ${JSON.stringify(ifname)} must be at most ${IFNAMSIZ} characters without "/" or spaces`
  return undefined
}
