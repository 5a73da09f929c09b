import Type from 'typebox'
import { AddressSet, parseCidr, type Cidr } from '../../net/address-set.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { EGRESS_FIREWALL_KINDS, FIREWALL_FIELDS, firewallRules, isSdnPolicy } from './egress.ts'

const WORLDS = { 4: '0.0.0.0/0', 6: '::/0' } as const
const WORLD_SETS = { 4: AddressSet.narrow([parseCidr(WORLDS[4]) as Cidr]), 6: AddressSet.narrow([parseCidr(WORLDS[6]) as Cidr]) }

/**
 * Egress that no rule matches is allowed, so a firewall is an allow-list only when its
 * all-ports rules together decide every address, which in practice means it ends with
 * `Deny 0.0.0.0/0`. IPv6 needs its own `Deny ::/0` (an IPv6 range never matches IPv4 and the
 * reverse): required always, never, or only when the firewall itself names IPv6 ranges.
 */
export const efwDefaultDeny = defineRule({
  type: 'validate',
  id: 'EFW-DEFAULT-DENY',
  kinds: EGRESS_FIREWALL_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'warn',
  fields: FIREWALL_FIELDS,
  summary: 'the rule list does not end with a deny of everything (0.0.0.0/0, and ::/0 where IPv6 is in use)',
  category: 'Egress security',
  severity: 'medium',
  settings: Type.Object({
    ipv6: Type.Optional(Type.Enum(['always', 'when-used', 'never'], {
      description: 'require a Deny to ::/0 as well: always (dual-stack clusters), when-used (the firewall names an IPv6 range) or never (IPv4-only clusters)'
    }))
  }),
  defaults: { ipv6: 'when-used' },
  compile: (settings) => settings.ipv6,
  check (object, context, ipv6) {
    const rules = firewallRules(object)
    const decided = AddressSet.narrow(rules.flatMap((rule) =>
      rule.allPorts && (rule.type === 'Allow' || rule.type === 'Deny') && rule.cidr !== undefined ? [rule.cidr] : []))
    const usesIpv6 = rules.some((rule) => rule.cidr?.family === 6)
    const families: (4 | 6)[] = isSdnPolicy(context) || ipv6 === 'never' || (ipv6 === 'when-used' && !usesIpv6) ? [4] : [4, 6]
    const open = families.filter((family) => !decided.covers(WORLD_SETS[family]))
    if (open.length === 0) return []
    const worlds = open.map((family) => WORLDS[family]).join(' and ')
    return [{
      path: 'spec.egress',
      message: `spec.egress does not end with a Deny to ${worlds}, so egress that no rule matches is allowed`,
      fix: `add ${open.map((family) => `{type: Deny, to: {cidrSelector: ${WORLDS[family]}}}`).join(' and ')} as the last rules`
    }]
  }
})
