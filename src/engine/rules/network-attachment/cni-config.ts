import { canonicalJson, decodeGo, parseRawJson, type GoJsonProblem } from '../../go-json.ts'
import { AddressSet } from '../../net/address-set.ts'
import { CNI_CONFIG } from './cni-types.ts'
import { readIpam, readOvnSubnets, readPluginArgs, type AddressPlan, type ConfigProblem, type IpamRange } from './ipam.ts'
import { asList, asObject, asText, stableJson, type JsonObject } from '../../read.ts'

export type { ConfigProblem, IpamRange } from './ipam.ts'

/** One CNI plugin of a NetworkAttachmentDefinition: the single plugin, or one entry of `plugins[]`. */
export interface CniPlugin {
  /** Path of the plugin object: `spec.config`, or `spec.config.plugins[1]` in a conflist. */
  readonly path: string
  /** `type`, when it is a non-empty string. */
  readonly type: string | undefined
  /** The plugin's fields as Go reads them: known keys under their own spelling (still untrusted). */
  readonly fields: JsonObject
  /** `ipam.type`, when the plugin has an `ipam` object with one. */
  readonly ipamType: string | undefined
  /** Every subnet, range and static address the plugin hands out. */
  readonly ranges: readonly IpamRange[]
}

export interface CniConfig {
  /** No spec.config at all: Multus reads a CNI file named after the NAD on each node. */
  readonly missing: boolean
  /**
   * The plugins that could be read; none when spec.config is missing or not a JSON object. When
   * Go's readers would disagree on a field (keys that differ only by case), each reading is here.
   */
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
 * Parses a NetworkAttachmentDefinition's `spec.config`, a single plugin (`type`) or a conflist
 * (`plugins[]`) with `cniVersion`, as its Go readers do (see go-json.ts): Multus and libcni
 * decode the text as written, and each plugin reads what libcni marshals again (exact duplicate
 * keys dropped, keys sorted). Both readings are judged when they differ. Pure, and total: any
 * input gives a result, and what is wrong comes back as problems with their field.
 */
export function parseCniConfig (config: unknown): CniConfig {
  if (config === undefined || config === null || (typeof config === 'string' && config.trim() === '')) {
    return { ...failed(`${ROOT} is missing, so Multus would read a CNI file on the node that netguard cannot inspect`), missing: true }
  }
  if (typeof config !== 'string') return failed(`${ROOT} is not a string holding a JSON CNI configuration`)
  const parsed = parseRawJson(config)
  if ('error' in parsed) return failed(`${ROOT} is not valid JSON (${parsed.error})`)
  if (parsed.value.kind !== 'object') return failed(`${ROOT} is not a JSON object`)

  const asWritten: GoJsonProblem[] = []
  const written = decodeGo(parsed.value, CNI_CONFIG, ROOT, asWritten) as JsonObject
  const asMarshalled: GoJsonProblem[] = []
  const marshalled = decodeGo(canonicalJson(parsed.value), CNI_CONFIG, ROOT, asMarshalled) as JsonObject
  // Spelling and duplicates show in the text as written; types in what the plugins decode.
  const problems: ConfigProblem[] = [
    ...asWritten.filter((problem) => problem.reason !== 'type'),
    ...asMarshalled.filter((problem) => problem.reason === 'type')
  ].map(({ path, message }) => ({ path, message }))
  const rangeProblems: ConfigProblem[] = []
  const plugins: CniPlugin[] = []
  const readings = stableJson(written) === stableJson(marshalled) ? [written] : [written, marshalled]
  for (const [index, root] of readings.entries()) {
    plugins.push(...readConfig(root, index === 0 ? problems : [], rangeProblems))
  }
  return Object.freeze({
    missing: false,
    plugins,
    problems: distinct(problems),
    rangeProblems: distinct(rangeProblems),
    pool: plugins.reduce((pool, plugin) => plugin.ranges.reduce((all, range) => all.union(range.pool), pool), AddressSet.EMPTY)
  })
}

/** The plugins of one reading of spec.config; structural problems go to `problems`. */
function readConfig (root: JsonObject, problems: ConfigProblem[], rangeProblems: ConfigProblem[]): CniPlugin[] {
  if (asText(root.cniVersion) === undefined) problems.push({ path: `${ROOT}.cniVersion`, message: `${ROOT} has no cniVersion` })
  const entries: { readonly path: string, readonly value: unknown }[] = []
  const hasType = root.type !== undefined
  const hasList = root.plugins !== undefined
  if (hasType) entries.push({ path: ROOT, value: root })
  if (hasList) {
    // plugins that is not a list is a type problem already.
    const list = asList(root.plugins) ?? []
    if (list.length === 0 && Array.isArray(root.plugins)) problems.push({ path: `${ROOT}.plugins`, message: `${ROOT}.plugins is empty` })
    entries.push(...list.map((entry, index) => ({ path: `${ROOT}.plugins[${index}]`, value: entry })))
  }
  if (!hasType && !hasList) problems.push({ path: `${ROOT}.type`, message: `${ROOT} has neither type nor plugins` })
  // Multus and libcni disagree on which wins; every plugin is checked, and the ambiguity refused.
  if (hasType && hasList) problems.push({ path: `${ROOT}.plugins`, message: `${ROOT} has both type and plugins` })
  return entries.map((entry) => readPlugin(entry.path, entry.value, problems, rangeProblems))
}

function readPlugin (path: string, value: unknown, problems: ConfigProblem[], rangeProblems: ConfigProblem[]): CniPlugin {
  // An entry that is not an object is a type problem already; `null` is a plugin without a type.
  const fields = asObject(value) ?? {}
  const type = asText(fields.type)
  if (type === undefined && (value === undefined || fields === value)) problems.push({ path: `${path}.type`, message: `${path} has no type` })
  const plan: AddressPlan = { ranges: [], problems: rangeProblems }
  let ipamType: string | undefined
  const ipam = asObject(fields.ipam)
  if (ipam !== undefined) {
    const ipamPath = `${path}.ipam`
    ipamType = asText(ipam.type)
    // `"ipam": {}` is how a plugin says "no addresses"; anything else needs a type.
    if (ipamType === undefined && Object.keys(ipam).length > 0) problems.push({ path: `${ipamPath}.type`, message: `${ipamPath} has no type` })
    readIpam(ipam, ipamPath, plan)
  }
  readPluginArgs(fields, path, plan)
  if (type === OVN_OVERLAY) readOvnSubnets(fields, path, plan)
  return { path, type, fields, ipamType, ranges: plan.ranges }
}

function distinct (problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>()
  return problems.filter(({ path, message }) => !seen.has(`${path}\u0000${message}`) && seen.add(`${path}\u0000${message}`) !== undefined)
}

function failed (message: string): CniConfig {
  return Object.freeze({ missing: false, plugins: [], problems: [{ path: ROOT, message }], rangeProblems: [], pool: AddressSet.EMPTY })
}
