import Type from 'typebox'
import { broadestRangeSchema, findOpenRange, openRangeLimit } from '../../net/cidr-settings.ts'
import { compileNamespaceCidrs, NamespaceCidrsSchema } from '../../net/namespace-cidrs.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { directedRules, EGRESS_FIELDS, namespaceOf, NETWORK_POLICY_KIND } from './network-policy.ts'
import { openRangeFinding, peerAddresses } from './peers.ts'

/**
 * Egress ipBlocks are how pods reach things outside the cluster (databases, partner APIs): each
 * must stay inside the CIDRs approved for the namespace, and no rule may open the world.
 */
export const netpolEgressCidr = defineRule({
  type: 'validate',
  id: 'NETPOL-EGRESS-CIDR',
  kinds: NETWORK_POLICY_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'warn',
  fields: EGRESS_FIELDS,
  summary: 'an egress rule with no to, world-open egress ipBlocks, or ipBlocks outside the approved egress CIDRs',
  category: 'Egress security',
  severity: 'medium',
  settings: Type.Object({
    broadestEgressRange: Type.Optional(broadestRangeSchema('the ipBlocks of one egress rule may admit at most as many addresses as a prefix of this length')),
    approvedCidrs: Type.Optional(Type.Array(Type.String(), { description: 'egress ipBlocks must lie inside these CIDRs (in every namespace) or the namespace\'s own' })),
    namespaceCidrs: Type.Optional(NamespaceCidrsSchema)
  }),
  defaults: { broadestEgressRange: { ipv4: 8, ipv6: 32 }, approvedCidrs: ['0.0.0.0/0', '::/0'], namespaceCidrs: [] },
  compile: (settings) => ({
    limit: openRangeLimit(settings.broadestEgressRange),
    approved: compileNamespaceCidrs('approvedCidrs', settings.approvedCidrs, settings.namespaceCidrs)
  }),
  check (object, context, { limit, approved }) {
    const findings: Finding[] = []
    const allowed = approved.forNamespace(context.namespace)
    for (const { path, peersPath, peers } of directedRules(object, 'Egress')) {
      if (peers === undefined) {
        findings.push({ path, message: `${path} has no to: it allows egress anywhere`, fix: `list the destinations in ${peersPath}` })
        continue
      }
      const { blocks, addresses, unreadable } = peerAddresses(peers, peersPath)
      findings.push(...unreadable)
      const open = findOpenRange(addresses, limit)
      if (open !== undefined) {
        findings.push(openRangeFinding(peersPath, open, blocks, 'narrow the ipBlocks to the destinations the pods need'))
        continue
      }
      for (const block of blocks) {
        if (allowed.covers(block.addresses)) continue
        findings.push({
          path: block.path,
          message: `${block.path} ${block.text} is outside the approved egress CIDRs of ${namespaceOf(context.namespace)}`,
          fix: 'use an approved destination, or ask a cluster admin to approve the range'
        })
      }
    }
    return findings
  }
})
