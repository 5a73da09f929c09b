import Type from 'typebox'
import { broadestRangeSchema, findOpenRange, openRangeLimit } from '../../net/cidr-settings.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { directedRules, INGRESS_FIELDS, NETWORK_POLICY_KIND } from './network-policy.ts'
import { openRangeFinding, peerAddresses } from './peers.ts'

/**
 * What an ingress rule's ipBlocks admit together, against a size limit: so a world split in
 * halves, a world with a hole carved out, or IPv4 spelled as IPv4-mapped IPv6 count as open.
 */
export const netpolWorldCidr = defineRule({
  type: 'validate',
  id: 'NETPOL-WORLD-CIDR',
  kinds: NETWORK_POLICY_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: INGRESS_FIELDS,
  summary: 'an ingress rule whose ipBlocks (cidr minus except, together) admit more addresses than a /8 of IPv4 or a /32 of IPv6',
  category: 'Network isolation',
  severity: 'high',
  settings: Type.Object({
    broadestIngressRange: Type.Optional(broadestRangeSchema('the ipBlocks of one ingress rule may admit at most as many addresses as a prefix of this length'))
  }),
  defaults: { broadestIngressRange: { ipv4: 8, ipv6: 32 } },
  compile: (settings) => openRangeLimit(settings.broadestIngressRange),
  check (object, _context, limit) {
    const findings: Finding[] = []
    for (const { peersPath, peers } of directedRules(object, 'Ingress')) {
      if (peers === undefined) continue
      const { blocks, addresses, unreadable } = peerAddresses(peers, peersPath)
      findings.push(...unreadable)
      const open = findOpenRange(addresses, limit)
      if (open !== undefined) findings.push(openRangeFinding(peersPath, open, blocks, 'narrow the ipBlocks to the clients that need access'))
    }
    return findings
  }
})
