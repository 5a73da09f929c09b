import Type from 'typebox'
import { AddressSet, parseAddress } from '../../net/address-set.ts'
import { compileNamespaceCidrs, NamespaceCidrsSchema } from '../../net/namespace-cidrs.ts'
import { inNamespace } from '../../messages.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { asObject, shown } from '../../read.ts'
import { EGRESS_ROUTER_KIND, entriesOf, routerSpec } from './egress-router.ts'

/**
 * An egress router is a way out of the cluster from a source address partners trust: where it
 * redirects to is egress like any other, held to the same approved CIDRs as NetworkPolicy
 * egress (the settings of NETPOL-EGRESS-CIDR, unless set here).
 */
export const erRedirect = defineRule({
  type: 'validate',
  id: 'ER-REDIRECT',
  kinds: EGRESS_ROUTER_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'a redirect destinationIP or fallbackIP that is not an address inside the namespace\'s approved egress CIDRs (those of NETPOL-EGRESS-CIDR)',
  inherits: [{ rule: 'NETPOL-EGRESS-CIDR', settings: ['approvedCidrs', 'namespaceCidrs'] }],
  settings: Type.Object({
    approvedCidrs: Type.Optional(Type.Array(Type.String(), { description: 'redirect destinations must lie inside these CIDRs (in every namespace) or the namespace\'s own; default: those of NETPOL-EGRESS-CIDR' })),
    namespaceCidrs: Type.Optional(NamespaceCidrsSchema)
  }),
  defaults: { approvedCidrs: ['0.0.0.0/0', '::/0'], namespaceCidrs: [] },
  compile: (settings) => compileNamespaceCidrs('approvedCidrs', settings.approvedCidrs, settings.namespaceCidrs),
  check (object, context, approved) {
    const redirect = asObject(routerSpec(object)['redirect']) ?? {}
    const destinations = entriesOf(redirect['redirectRules'], 'spec.redirect.redirectRules')
      .map(({ path, entry }) => ({ path: `${path}.destinationIP`, value: entry['destinationIP'] }))
    if (redirect['fallbackIP'] !== undefined && redirect['fallbackIP'] !== null) destinations.push({ path: 'spec.redirect.fallbackIP', value: redirect['fallbackIP'] })
    const allowed = approved.forNamespace(context.namespace)
    const findings: Finding[] = []
    for (const { path, value } of destinations) {
      const address = typeof value === 'string' ? parseAddress(value.trim()) : undefined
      if (address === undefined) {
        const message = value === undefined ? `${path} is missing` : `${path} ${shown(value)} is not an IP address`
        findings.push({ path, message, fix: 'write one address, such as 203.0.113.10, without a prefix' })
      } else if (!allowed.covers(AddressSet.of([address]))) {
        findings.push({
          path,
          message: `${path} ${address.text} is outside the approved egress CIDRs ${inNamespace(context)}`,
          fix: 'redirect to an approved destination, or ask a cluster admin to approve it'
        })
      }
    }
    return findings
  }
})
