import { AddressSet } from '../../net/address-set.ts'
import { readIpam, readOvnSubnets, type AddressPlan, type ConfigProblem, type IpamRange } from './ipam.ts'
import { asList, asObject, asText, jsonErrorReason, type JsonObject } from './json.ts'

export type { ConfigProblem, IpamRange } from './ipam.ts'

/** One CNI plugin of a NetworkAttachmentDefinition: the single plugin, or one entry of `plugins[]`. */
export interface CniPlugin {
  /** Path of the plugin object: `spec.config`, or `spec.config.plugins[1]` in a conflist. */
  readonly path: string
  /** `type`, when it is a non-empty string. */
  readonly type: string | undefined
  /** The plugin's fields as written (untrusted: read defensively). */
  readonly fields: JsonObject
  /** `ipam.type`, when the plugin has an `ipam` object with one. */
  readonly ipamType: string | undefined
  /** Every subnet, range and static address the plugin hands out. */
  readonly ranges: readonly IpamRange[]
}

export interface CniConfig {
  /** No spec.config at all: Multus reads a CNI file named after the NAD on each node. */
  readonly missing: boolean
  /** The plugins that could be read; none when spec.config is missing or not a JSON object. */
  readonly plugins: readonly CniPlugin[]
  /** Why spec.config is not a well-formed CNI configuration (NAD-CONFIG reports these). */
  readonly problems: readonly ConfigProblem[]
  /** Addresses that could not be read (NAD-IPAM-RANGE reports these). */
  readonly rangeProblems: readonly ConfigProblem[]
  /** Every address any plugin may hand out (what NAD-IPAM-OVERLAP compares). */
  readonly pool: AddressSet
}

const ROOT = 'spec.config'
const OVN_OVERLAY = 'ovn-k8s-cni-overlay'

/**
 * Parses a NetworkAttachmentDefinition's `spec.config`: a single plugin (`type`) or a conflist
 * (`plugins[]`), with `cniVersion`. Pure, and total: any input gives a result, and what is wrong
 * comes back as problems with the field they are in, never as an exception.
 */
export function parseCniConfig (config: unknown): CniConfig {
  if (config === undefined || config === null || (typeof config === 'string' && config.trim() === '')) {
    return { ...failed(`${ROOT} is missing, so Multus would read a CNI file on the node that netguard cannot inspect`), missing: true }
  }
  if (typeof config !== 'string') return failed(`${ROOT} is not a string holding a JSON CNI configuration`)
  let value: unknown
  try {
    value = JSON.parse(config)
  } catch (error) {
    return failed(`${ROOT} is not valid JSON (${jsonErrorReason(error)})`)
  }
  const root = asObject(value)
  if (root === undefined) return failed(`${ROOT} is not a JSON object`)

  const problems: ConfigProblem[] = []
  if (asText(root.cniVersion) === undefined) problems.push({ path: `${ROOT}.cniVersion`, message: `${ROOT} has no cniVersion` })
  const entries: { readonly path: string, readonly value: unknown }[] = []
  const hasType = root.type !== undefined
  const hasList = root.plugins !== undefined
  if (hasType) entries.push({ path: ROOT, value: root })
  if (hasList) {
    const list = asList(root.plugins)
    if (list === undefined) problems.push({ path: `${ROOT}.plugins`, message: `${ROOT}.plugins is not a list` })
    else if (list.length === 0) problems.push({ path: `${ROOT}.plugins`, message: `${ROOT}.plugins is empty` })
    else entries.push(...list.map((entry, index) => ({ path: `${ROOT}.plugins[${index}]`, value: entry })))
  }
  if (!hasType && !hasList) problems.push({ path: `${ROOT}.type`, message: `${ROOT} has neither type nor plugins` })
  // Multus and libcni disagree on which wins; every plugin is checked, and the ambiguity refused.
  if (hasType && hasList) problems.push({ path: `${ROOT}.plugins`, message: `${ROOT} has both type and plugins` })

  const rangeProblems: ConfigProblem[] = []
  const plugins: CniPlugin[] = []
  for (const entry of entries) {
    const plugin = readPlugin(entry.path, entry.value, problems, rangeProblems)
    if (plugin !== undefined) plugins.push(plugin)
  }
  return Object.freeze({
    missing: false,
    plugins,
    problems,
    rangeProblems,
    pool: plugins.reduce((pool, plugin) => plugin.ranges.reduce((all, range) => all.union(range.pool), pool), AddressSet.EMPTY)
  })
}

function readPlugin (path: string, value: unknown, problems: ConfigProblem[], rangeProblems: ConfigProblem[]): CniPlugin | undefined {
  const fields = asObject(value)
  if (fields === undefined) {
    problems.push({ path, message: `${path} is not a JSON object` })
    return undefined
  }
  const type = asText(fields.type)
  if (type === undefined) problems.push({ path: `${path}.type`, message: `${path} has no type` })
  const plan: AddressPlan = { ranges: [], problems: rangeProblems }
  let ipamType: string | undefined
  if (fields.ipam !== undefined) {
    const ipamPath = `${path}.ipam`
    const ipam = asObject(fields.ipam)
    if (ipam === undefined) {
      problems.push({ path: ipamPath, message: `${ipamPath} is not a JSON object` })
    } else {
      ipamType = asText(ipam.type)
      // `"ipam": {}` is how a plugin says "no addresses"; anything else needs a type.
      if (ipamType === undefined && Object.keys(ipam).length > 0) problems.push({ path: `${ipamPath}.type`, message: `${ipamPath} has no type` })
      readIpam(ipam, ipamPath, plan)
    }
  }
  if (type === OVN_OVERLAY) readOvnSubnets(fields, path, plan)
  return { path, type, fields, ipamType, ranges: plan.ranges }
}

function failed (message: string): CniConfig {
  return Object.freeze({ missing: false, plugins: [], problems: [{ path: ROOT, message }], rangeProblems: [], pool: AddressSet.EMPTY })
}
