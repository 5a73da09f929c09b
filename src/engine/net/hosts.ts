import { domainToASCII } from 'node:url'
import Type from 'typebox'
import { compileGlobs, type GlobSet } from '../glob.ts'
import { NamespaceEntries } from '../namespace-entries.ts'
import { SettingError } from '../rule.ts'
import type { Finding } from '../types.ts'

// Host names as routers compare them: case-insensitive, a trailing dot ignored, IDN in punycode.

const LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/
// Characters the URL host parser would treat as delimiters: domainToASCII('a/b.com') is 'a'.
const URL_DELIMITERS = /[/\\?#@:%[\]\s]/

/**
 * The host in canonical form (`Bücher.Example.COM.` → `xn--bcher-kva.example.com`), or undefined
 * when it is not a DNS name: a leading `*.` is kept, any other `*` or a malformed label is refused.
 */
export function normalizeHost (text: unknown): string | undefined {
  if (typeof text !== 'string' || text === '' || text.length > 256) return undefined
  let host = text.endsWith('.') ? text.slice(0, -1) : text
  host = host.toLowerCase()
  if (!/^[\x20-\x7e]*$/.test(host)) {
    if (URL_DELIMITERS.test(host)) return undefined
    host = domainToASCII(host)
  }
  const wildcard = host.startsWith('*.')
  const name = wildcard ? host.slice(2) : host
  if (name.length === 0 || name.length > 253 || !name.split('.').every((label) => LABEL.test(label))) return undefined
  return host
}

/** A host for a message: canonical when valid, else quoted and cut short (input is untrusted). */
export function displayHost (text: string): string {
  return normalizeHost(text) ?? JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)
}

/** `*.example.com` (or any `*`): a host that names many hosts. */
export function isWildcardHost (text: string): boolean {
  return text.includes('*')
}

/** `example.com` for `www.example.com`: the domain a wildcard route on that host claims. */
export function parentDomain (host: string): string {
  const dot = host.indexOf('.')
  return dot < 0 ? '' : host.slice(dot + 1)
}

/** A TLS host covers a rule host when they are equal or it is `*.d` and the host is one label under d. */
export function tlsHostCovers (pattern: string, host: string): boolean {
  if (pattern === host) return true
  return pattern.startsWith('*.') && !host.startsWith('*.') && parentDomain(host) === pattern.slice(2)
}

export const HostSuffixesSchema = Type.Array(Type.String({ minLength: 1 }), {
  description: 'allowed domains: `apps.example.com` allows that host and every host under it, `.apps.example.com` only hosts under it; `{namespace}` stands for the namespace'
})

export const NamespaceHostSuffixesSchema = Type.Array(Type.Object({
  namespaces: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'namespace globs' }),
  suffixes: HostSuffixesSchema
}, { additionalProperties: false }), { description: 'further allowed domains for the namespaces that match' })

export interface HostSuffixes {
  /** False when no suffix is configured at all: every host is then allowed. */
  readonly restricted: boolean
  /** True when `host` (normalized; `*.d` means every host under d) is under a suffix allowed in `namespace`. */
  allows (host: string, namespace: string | undefined): boolean
  /** The suffixes allowed in `namespace`, for messages (templates filled in, at most `limit`). */
  describe (namespace: string | undefined, limit?: number): string
}

interface Owner {
  /** Undefined for the global list. */
  readonly namespaces: GlobSet | undefined
  readonly self: boolean
  readonly below: boolean
}

interface TrieNode {
  readonly exact: Map<string, TrieNode>
  /** Labels holding `{namespace}`: `prefix` + namespace + `suffix`. */
  readonly templated: { readonly prefix: string, readonly suffix: string, readonly node: TrieNode }[]
  readonly owners: Owner[]
}

const TEMPLATE = '{namespace}'

/**
 * Compiles allowed domain suffixes into a trie of labels read from the right, so a lookup costs
 * one step per label of the host whatever the number of suffixes; per-namespace entries hang off
 * the same trie and their namespace globs are tested only where a host actually ends.
 */
export function compileHostSuffixes (
  field: string,
  global: readonly string[],
  perNamespace: readonly { readonly namespaces: readonly string[], readonly suffixes: readonly string[] }[]
): HostSuffixes {
  const entries = [
    ...global.map((text, index) => ({ text, match: undefined, path: [field, index] })),
    ...perNamespace.flatMap(({ namespaces, suffixes }, entry) => {
      const match = compileGlobs(namespaces)
      return suffixes.map((text, index) => ({ text, match, path: ['namespaceHostSuffixes', entry, 'suffixes', index] }))
    })
  ]
  const byNamespace = new NamespaceEntries(perNamespace, (entry) => entry.namespaces)
  const root = newNode()
  for (const { text, match, path } of entries) {
    const below = text.startsWith('.') || text.startsWith('*.')
    const labels = suffixLabels(text.slice(text.startsWith('*.') ? 2 : below ? 1 : 0).toLowerCase())
    if (labels === undefined) {
      throw new SettingError(path, `"${text}" is not a domain (e.g. apps.example.com or {namespace}.apps.example.com)`)
    }
    let node = root
    for (const label of labels.reverse()) node = child(node, label)
    node.owners.push({ namespaces: match, self: !below, below: true })
  }
  return {
    restricted: entries.length > 0,
    allows (host, namespace) {
      const strict = host.startsWith('*.')
      const labels = (strict ? host.slice(2) : host).split('.').reverse()
      return walk(root, labels, 0, namespace, strict)
    },
    describe (namespace, limit = 3) {
      // Stops at limit + 1: a message names a few domains, whatever the number allowed.
      const allowed: string[] = []
      for (const text of [...global.slice(0, limit + 1), ...byNamespace.matching(namespace).flatMap((entry) => entry.suffixes)]) {
        allowed.push(namespace === undefined ? text : text.replaceAll(TEMPLATE, namespace))
        if (allowed.length > limit) break
      }
      if (allowed.length === 0) return 'none'
      return allowed.length > limit ? `${allowed.slice(0, limit).join(', ')}, …` : allowed.join(', ')
    }
  }
}

/**
 * Labels of a suffix as written in a policy: punycode where plain, `{namespace}` at most once per
 * label; undefined when it is not a domain (a namespace is a DNS label, so `ns` stands in for it).
 */
function suffixLabels (text: string): string[] | undefined {
  const body = text.endsWith('.') ? text.slice(0, -1) : text
  const labels = body.split('.')
  const badTemplate = (label: string): boolean => label.includes(TEMPLATE) && (label.split(TEMPLATE).length > 2 || !/^[\x20-\x7e]*$/.test(label))
  if (labels.some(badTemplate)) return undefined
  const probe = normalizeHost(body.replaceAll(TEMPLATE, 'ns'))
  if (probe === undefined || probe.startsWith('*.')) return undefined
  return labels.map((label) => label.includes(TEMPLATE) ? label : normalizeHost(label) as string)
}

function newNode (): TrieNode {
  return { exact: new Map(), templated: [], owners: [] }
}

function child (node: TrieNode, label: string): TrieNode {
  const at = label.indexOf(TEMPLATE)
  if (at < 0) {
    let next = node.exact.get(label)
    if (next === undefined) node.exact.set(label, next = newNode())
    return next
  }
  const prefix = label.slice(0, at)
  const suffix = label.slice(at + TEMPLATE.length)
  const known = node.templated.find((entry) => entry.prefix === prefix && entry.suffix === suffix)
  if (known !== undefined) return known.node
  const next = newNode()
  node.templated.push({ prefix, suffix, node: next })
  return next
}

function walk (node: TrieNode, labels: readonly string[], depth: number, namespace: string | undefined, strict: boolean): boolean {
  const atEnd = depth === labels.length
  for (const owner of node.owners) {
    const fits = atEnd ? (strict ? owner.below : owner.self) : owner.below
    if (fits && (owner.namespaces === undefined || owner.namespaces.matches(namespace ?? ''))) return true
  }
  if (atEnd) return false
  const label = labels[depth] as string
  const next = node.exact.get(label)
  if (next !== undefined && walk(next, labels, depth + 1, namespace, strict)) return true
  if (namespace === undefined) return false
  return node.templated.some(({ prefix, suffix, node: templated }) =>
    label === `${prefix}${namespace}${suffix}` && walk(templated, labels, depth + 1, namespace, strict))
}

/** The settings ROUTE-HOST and ING-HOST share: allowed domains, globally and per namespace. */
export const HostSuffixSettings = {
  allowedHostSuffixes: Type.Optional(HostSuffixesSchema),
  namespaceHostSuffixes: Type.Optional(NamespaceHostSuffixesSchema)
}

export function compileHostSuffixSettings (settings: {
  readonly allowedHostSuffixes: readonly string[]
  readonly namespaceHostSuffixes: readonly { readonly namespaces: readonly string[], readonly suffixes: readonly string[] }[]
}): HostSuffixes {
  return compileHostSuffixes('allowedHostSuffixes', settings.allowedHostSuffixes, settings.namespaceHostSuffixes)
}

/**
 * The finding for a host outside the namespace's allowed domains, if it is; `host` is canonical
 * (`*.d` for everything under d), `shown` is what the user wrote, `where` e.g. `in namespace shop`.
 */
export function hostSuffixFinding (
  path: string, host: string, shown: string, suffixes: HostSuffixes, namespace: string | undefined, where: string
): Finding | undefined {
  if (!suffixes.restricted || suffixes.allows(host, namespace)) return undefined
  const allowed = suffixes.describe(namespace)
  return {
    path,
    message: `${path} ${shown} is not under a domain allowed ${where}`,
    fix: allowed === 'none' ? 'ask a cluster admin to allow a domain for this namespace' : `use a host under ${allowed}`
  }
}
