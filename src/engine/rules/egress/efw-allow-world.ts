import Type from 'typebox'
import { AddressSet } from '../../net/address-set.ts'
import { broadestRangeSchema, findOpenRange, openRangeLimit } from '../../net/cidr-settings.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { EGRESS_FIREWALL_KINDS, FIREWALL_FIELDS, firewallRules } from './egress.ts'

interface Allowance {
  readonly path: string
  readonly text: string
  readonly addresses: AddressSet
}

/**
 * What the Allow rules let through, taking order into account: the first matching rule wins,
 * so an Allow only adds what no earlier all-ports rule has decided. Split worlds (`0.0.0.0/1`
 * + `128.0.0.0/1`) add up; a deny on some ports shadows nothing; `Deny ::/0` shadows no IPv4.
 */
export const efwAllowWorld = defineRule({
  type: 'validate',
  id: 'EFW-ALLOW-WORLD',
  kinds: EGRESS_FIREWALL_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: FIREWALL_FIELDS,
  summary: 'Allow rules that together let egress through to a world-open range (0.0.0.0/0, ::/0, or more than a /8 of IPv4 or a /32 of IPv6)',
  category: 'Egress security',
  severity: 'high',
  settings: Type.Object({
    broadestAllowRange: Type.Optional(broadestRangeSchema('the Allow rules together may admit at most as many addresses as a prefix of this length'))
  }),
  defaults: { broadestAllowRange: { ipv4: 8, ipv6: 32 } },
  compile: (settings) => openRangeLimit(settings.broadestAllowRange),
  check (object, _context, limit) {
    let decided = AddressSet.EMPTY
    let allowed = AddressSet.EMPTY
    const allowances: Allowance[] = []
    for (const rule of firewallRules(object)) {
      if (rule.cidr === undefined || (rule.type !== 'Allow' && rule.type !== 'Deny')) continue
      if (rule.type === 'Allow') {
        const addresses = AddressSet.of([rule.cidr]).minus(decided)
        if (!addresses.isEmpty) allowances.push({ path: rule.path, text: rule.cidr.text, addresses })
        allowed = allowed.union(addresses)
      }
      if (rule.allPorts) decided = decided.union(AddressSet.narrow([rule.cidr]))
    }
    const open = findOpenRange(allowed, limit)
    if (open === undefined) return []
    // Name the rules that are world-open on their own when there are any (not the small ones
    // beside them); otherwise all of them, since it takes them together.
    const contributing = allowances.filter((allowance) => allowance.addresses.size(open.family) > 0n)
    const large = contributing.filter((allowance) => allowance.addresses.size(open.family) > open.limit)
    const culprits = large.length > 0 ? large : contributing
    const admitted = culprits.reduce((union, allowance) => union.union(allowance.addresses), AddressSet.EMPTY).size(open.family)
    const [first] = culprits
    const single = culprits.length === 1 && first !== undefined
    return [{
      path: single ? `${first.path}.to.cidrSelector` : 'spec.egress',
      message: `${single ? `${first.path} allows` : `${listRules(culprits)} allow`} egress to ${admitted} IPv${open.family} addresses (${listTexts(culprits)}); at most ${open.limit} allowed`,
      fix: 'allow only the destinations the pods need, then end with a Deny to 0.0.0.0/0'
    }]
  }
})

const SHOWN = 3

/** `spec.egress[0], [1], [2] and 4 more` */
function listRules (allowances: readonly Allowance[]): string {
  const indexes = allowances.slice(0, SHOWN).map((allowance, at) => at === 0 ? allowance.path : allowance.path.replace('spec.egress', ''))
  return `${indexes.join(', ')}${more(allowances)}`
}

function listTexts (allowances: readonly Allowance[]): string {
  return `${allowances.slice(0, SHOWN).map((allowance) => allowance.text).join(', ')}${more(allowances)}`
}

function more (list: readonly unknown[]): string {
  return list.length > SHOWN ? ` and ${list.length - SHOWN} more` : ''
}
