import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { asksForLabel, describeReach, isOpenEnded, namespaceReach, readLabelSelector } from '../../label-selector.ts'
import { AddressSet, parseCidr } from '../../net/address-set.ts'
import { broadestRangeSchema, findOpenRange, openRangeLimit } from '../../net/cidr-settings.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { asList, asObject } from '../../read.ts'
import { adminRules, ANP_KIND } from './admin-network-policy.ts'

/** What an Allow does to tenants, and what a Pass does to the admin policies after it. */
const EFFECT = {
  Allow: 'overrides every NetworkPolicy of the namespaces it applies to',
  Pass: 'skips every AdminNetworkPolicy after it'
} as const

/**
 * An AdminNetworkPolicy outranks every NetworkPolicy: an Allow from (or to) every namespace, every
 * pod, every node or the world opens the subject to all of them whatever its tenants wrote, and a
 * Pass of the same reach switches off every admin Deny ranked below it. Admins write these, so
 * the rule is about the slip with cluster-wide reach; a policy meant to be that wide is named in
 * `allowedNames`.
 */
export const anpWideAllow = defineRule({
  type: 'validate',
  id: 'ANP-WIDE-ALLOW',
  kinds: [ANP_KIND],
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'an AdminNetworkPolicy Allow or Pass rule from or to every namespace, every pod, every node or a world-open network',
  settings: Type.Object({
    broadestNetworkRange: Type.Optional(broadestRangeSchema('the networks of one rule may cover at most as many addresses as a prefix of this length')),
    allowedNames: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'AdminNetworkPolicy names (globs) meant to be that wide' }))
  }),
  defaults: { broadestNetworkRange: { ipv4: 8, ipv6: 32 }, allowedNames: [] },
  compile: (settings) => ({ limit: openRangeLimit(settings.broadestNetworkRange), allowedNames: compileGlobs(settings.allowedNames) }),
  check (object, _context, { limit, allowedNames }) {
    if (allowedNames.matches(object.metadata?.name ?? '')) return []
    const findings: Finding[] = []
    for (const rule of adminRules(object)) {
      if (rule.action !== 'Allow' && rule.action !== 'Pass') continue
      const effect = EFFECT[rule.action]
      let networks = AddressSet.EMPTY
      const written: string[] = []
      for (const [index, peer] of rule.peers.entries()) {
        const path = `${rule.peersPath}[${index}]`
        const reach = everything(peer)
        if (reach !== undefined) {
          findings.push({ path: `${path}.${reach.field}`, message: `${rule.path} ${rule.action} ${rule.direction === 'Ingress' ? 'from' : 'to'} ${reach.what} ${effect}`, fix: FIX })
        }
        for (const text of asList(peer['networks']) ?? []) {
          const cidr = typeof text === 'string' ? parseCidr(text) : undefined
          if (cidr === undefined) continue
          networks = networks.union(AddressSet.of([cidr]))
          written.push(cidr.text)
        }
      }
      const open = findOpenRange(networks, limit)
      if (open !== undefined) {
        findings.push({
          path: rule.peersPath,
          message: `${rule.path} ${rule.action} ${rule.direction === 'Ingress' ? 'from' : 'to'} ${open.admitted} IPv${open.family} addresses (${written.join(', ')}; at most ${open.limit}) ${effect}`,
          fix: FIX
        })
      }
    }
    return findings
  }
})

const FIX = 'select the namespaces, pods or networks meant, or name the policy in allowedNames if it is meant to be that wide'

/**
 * The peer field that reaches everything of its kind, if any, judged by what the selectors
 * select: namespaces that are every namespace (or all but a few, or every one lacking a label),
 * pods of such namespaces that no label narrows, nodes that no label narrows. A selector the API
 * server would refuse selects nothing here.
 */
function everything (peer: Readonly<Record<string, unknown>>): { readonly field: string, readonly what: string } | undefined {
  const namespaces = wideNamespaces(peer['namespaces'])
  if (namespaces !== undefined) return { field: 'namespaces', what: describeReach(namespaces) }
  const pods = asObject(peer['pods'])
  if (pods !== undefined && wideNamespaces(pods['namespaceSelector']) !== undefined && unnarrowed(pods['podSelector'])) return { field: 'pods', what: 'every pod' }
  if (peer['nodes'] !== undefined && peer['nodes'] !== null && unnarrowed(peer['nodes'])) return { field: 'nodes', what: 'every node' }
  return undefined
}

function wideNamespaces (value: unknown): ReturnType<typeof namespaceReach> | undefined {
  if (value === undefined || value === null) return undefined
  const { selector, problems } = readLabelSelector(value, '')
  const reach = namespaceReach(selector)
  return problems.length === 0 && isOpenEnded(reach) ? reach : undefined
}

/** A well-formed selector that asks for no label: it takes in everything, or everything but some. */
function unnarrowed (value: unknown): boolean {
  const { selector, problems } = readLabelSelector(value ?? {}, '')
  return problems.length === 0 && !asksForLabel(selector)
}
