import Type from 'typebox'
import { AddressSet, parseAddress } from '../../net/address-set.ts'
import { compileCidrs } from '../../net/cidr-settings.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { EGRESS_IP_FIELDS, EGRESS_IP_KIND, egressIpSpec } from './egress.ts'

/**
 * An egress IP is the source address partners and firewalls outside trust: it must come from
 * the pool set aside for it, never from another tenant's range or the nodes' own addresses.
 */
export const egressIpPool = defineRule({
  type: 'validate',
  id: 'EGRESSIP-POOL',
  kinds: EGRESS_IP_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: EGRESS_IP_FIELDS,
  summary: 'an egress IP outside the approved pool CIDRs',
  category: 'Egress security',
  severity: 'high',
  settings: Type.Object({
    poolCidrs: Type.Optional(Type.Array(Type.String(), { description: 'CIDRs (or single addresses) egress IPs may be taken from; [] allows none' }))
  }),
  defaults: { poolCidrs: [] },
  compile: (settings) => compileCidrs('poolCidrs', settings.poolCidrs),
  check (object, _context, pool) {
    const addresses: unknown = egressIpSpec(object).egressIPs
    if (!Array.isArray(addresses)) return []
    const findings: Finding[] = []
    for (const [index, text] of addresses.entries()) {
      const path = `spec.egressIPs[${index}]`
      const address = typeof text === 'string' ? parseAddress(text) : undefined
      if (address === undefined) {
        findings.push({ path, message: `${path} ${JSON.stringify(text)} is not an IP address`, fix: 'write one address, such as 192.0.2.10, without a prefix' })
      } else if (!pool.covers(AddressSet.of([address]))) {
        findings.push({ path, message: `${path} ${address.text} is outside the approved egress IP pool`, fix: 'pick an address from the egress IP pool, or ask a cluster admin to extend it' })
      }
    }
    return findings
  }
})
