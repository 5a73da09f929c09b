import Type from 'typebox'
import { AddressSet, parseAddress, parseCidr } from '../../net/address-set.ts'
import { inNamespace } from '../../messages.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import {
  allowancesIn, allowedCidrs, compileCidrAllowances, describeCidrs,
  forbiddenOverlap, offer, PerNamespaceSchema
} from '../network-attachment/allowances.ts'
import { shown } from '../../read.ts'
import { DEFAULT_FORBIDDEN_CIDRS } from '../network-attachment/nad-ipam-range.ts'
import { EGRESS_ROUTER_KIND, entriesOf, routerSpec } from './egress-router.ts'

const FORMAT_FIX = 'write the router\'s address with its prefix, such as 192.168.12.99/24'

/**
 * The router's address is a static address on a node network, the source partners trust: it
 * comes from the namespace's own range, as a pod's static IP does (POD-NETWORKS), and its subnet
 * stays clear of the cluster's own networks, as an attachment's does (NAD-IPAM-RANGE, whose
 * settings it follows unless set here).
 */
export const erAddress = defineRule({
  type: 'validate',
  id: 'ER-ADDRESS',
  kinds: EGRESS_ROUTER_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'a router address outside the namespace\'s allowed CIDRs, or whose subnet overlaps a forbidden CIDR (those of NAD-IPAM-RANGE)',
  inherits: [{ rule: 'NAD-IPAM-RANGE', settings: ['allowedCidrs', 'forbiddenCidrs', 'perNamespace'] }],
  settings: Type.Object({
    allowedCidrs: Type.Optional(Type.Array(Type.String(), { description: 'CIDRs router addresses may come from in every namespace; default: those of NAD-IPAM-RANGE' })),
    forbiddenCidrs: Type.Optional(Type.Array(Type.String(), { description: 'CIDRs no router subnet may overlap; default: those of NAD-IPAM-RANGE' })),
    perNamespace: Type.Optional(PerNamespaceSchema)
  }),
  defaults: { allowedCidrs: [], forbiddenCidrs: [...DEFAULT_FORBIDDEN_CIDRS], perNamespace: [] },
  compile: compileCidrAllowances,
  check (object, context, { base, forbidden, perNamespace }) {
    const allowances = allowancesIn(base, perNamespace, context.namespace)
    const allowed = allowedCidrs(allowances)
    const findings: Finding[] = []
    for (const { path: entryPath, entry } of entriesOf(routerSpec(object)['addresses'], 'spec.addresses')) {
      const path = `${entryPath}.ip`
      const text = typeof entry['ip'] === 'string' ? entry['ip'].trim() : undefined
      const [hostText = '', prefix] = text?.split('/') ?? []
      const host = parseAddress(hostText)
      const subnet = prefix === undefined ? undefined : parseCidr(text ?? '')
      if (host === undefined || subnet === undefined) {
        const message = entry['ip'] === undefined ? `${path} is missing` : `${path} ${shown(entry['ip'])} is not an address with its prefix`
        findings.push({ path, message, fix: FORMAT_FIX })
        continue
      }
      const hit = forbiddenOverlap(forbidden, AddressSet.of([subnet]))
      if (hit !== undefined) {
        findings.push({ path, message: `${path} ${text ?? ''} overlaps the forbidden range ${hit}`, fix: `use an address on a network outside ${hit}` })
      } else if (!allowed.covers(AddressSet.of([host]))) {
        findings.push({
          path,
          message: `${path} ${host.text} is not inside the CIDRs allowed ${inNamespace(context)}`,
          fix: offer(describeCidrs(allowances), 'ask a cluster admin to assign this namespace a range')
        })
      }
    }
    return findings
  }
})
