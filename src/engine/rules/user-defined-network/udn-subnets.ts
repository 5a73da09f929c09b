import Type from 'typebox'
import { inNamespace } from '../../messages.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import {
  allowancesIn, allowedCidrs, baseline, compileCidrList, compileForbidden, compilePerNamespace, describeCidrs,
  forbiddenOverlap, offer, PerNamespaceSchema
} from '../network-attachment/allowances.ts'
import { DEFAULT_FORBIDDEN_CIDRS } from '../network-attachment/nad-ipam-range.ts'
import { NETWORK_KINDS, reviewedKind, userDefinedNetwork, type NetworkCidr } from './network.ts'

/**
 * OVN-Kubernetes' own ranges on every node, OKD's defaults: the join (100.64.0.0/16, fd98::/64),
 * transit switch (100.88.0.0/16, fd97::/64) and masquerade (169.254.0.0/17, fd69::/112) subnets.
 */
export const DEFAULT_INTERNAL_CIDRS: readonly string[] = ['100.64.0.0/16', 'fd98::/64', '100.88.0.0/16', 'fd97::/64', '169.254.0.0/17', 'fd69::/112']

/**
 * A user-defined network's pods route to their subnets and join subnets before anything else:
 * a subnet over the cluster, service or machine network, or over OVN-Kubernetes' own join,
 * transit or masquerade ranges, cuts them off from what lives there. Where a namespace was
 * assigned ranges (NAD-IPAM-RANGE's allowedCidrs and perNamespace cidrs), its networks stay
 * inside them.
 */
export const udnSubnets = defineRule({
  type: 'validate',
  id: 'UDN-SUBNETS',
  kinds: NETWORK_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'a user-defined network subnet or join subnet overlapping the forbidden CIDRs of NAD-IPAM-RANGE or OVN-Kubernetes\' internal ranges, or outside the namespace\'s assigned CIDRs where it has some',
  inherits: [{ rule: 'NAD-IPAM-RANGE', settings: ['allowedCidrs', 'forbiddenCidrs', 'perNamespace'] }],
  settings: Type.Object({
    allowedCidrs: Type.Optional(Type.Array(Type.String(), { description: 'CIDRs every namespace may use; default: those of NAD-IPAM-RANGE' })),
    forbiddenCidrs: Type.Optional(Type.Array(Type.String(), { description: 'CIDRs no network may overlap (cluster, service, machine networks); default: those of NAD-IPAM-RANGE' })),
    perNamespace: Type.Optional(PerNamespaceSchema),
    internalCidrs: Type.Optional(Type.Array(Type.String(), { description: 'OVN-Kubernetes\' join, transit switch and masquerade subnets, as set in the cluster\'s network operator configuration' }))
  }),
  defaults: { allowedCidrs: [], forbiddenCidrs: [...DEFAULT_FORBIDDEN_CIDRS], perNamespace: [], internalCidrs: [...DEFAULT_INTERNAL_CIDRS] },
  compile: (settings) => ({
    base: baseline({ cidrs: compileCidrList(settings.allowedCidrs, ['allowedCidrs']), cidrTexts: settings.allowedCidrs }),
    forbidden: compileForbidden(settings.forbiddenCidrs, 'forbiddenCidrs'),
    internal: compileForbidden(settings.internalCidrs, 'internalCidrs'),
    perNamespace: compilePerNamespace(settings.perNamespace)
  }),
  check (object, context, { base, forbidden, internal, perNamespace }) {
    const network = userDefinedNetwork(object, reviewedKind(context))
    const findings: Finding[] = network.problems.map(({ path, message }) => ({ path, message, fix: 'write each subnet as a CIDR such as 10.200.0.0/16' }))
    const allowances = allowancesIn(base, perNamespace, context.namespace)
    const allowed = allowedCidrs(allowances)
    /** What a range overlaps that no network may: `the forbidden range X` or OVN-Kubernetes' own. */
    const clash = (cidr: NetworkCidr): { readonly what: string, readonly range: string } | undefined => {
      const hit = forbiddenOverlap(forbidden, cidr.addresses)
      if (hit !== undefined) return { what: `the forbidden range ${hit}`, range: hit }
      const own = forbiddenOverlap(internal, cidr.addresses)
      return own === undefined ? undefined : { what: `OVN-Kubernetes' internal range ${own}`, range: own }
    }
    for (const subnet of network.subnets) {
      const hit = clash(subnet)
      if (hit !== undefined) {
        findings.push({ path: subnet.path, message: `${subnet.path} ${subnet.text} overlaps ${hit.what}`, fix: `use a range outside ${hit.range}` })
      } else if (!allowed.isEmpty && !allowed.covers(subnet.addresses)) {
        findings.push({
          path: subnet.path,
          message: `${subnet.path} ${subnet.text} is not inside the CIDRs assigned ${inNamespace(context)}`,
          fix: offer(describeCidrs(allowances), 'ask a cluster admin to assign this namespace a range')
        })
      }
    }
    for (const join of network.joinSubnets) {
      const shown = network.joinDefaulted ? `${join.path} is not set, so ${join.text}` : `${join.path} ${join.text}`
      const fix = network.joinDefaulted ? `set ${join.path} to ranges outside` : 'use a range outside'
      const hit = clash(join)
      const own = hit === undefined ? network.subnets.find((subnet) => subnet.addresses.overlaps(join.addresses)) : undefined
      // Codes: the second depends on the subnets, a field of its own.
      if (hit !== undefined) findings.push({ path: join.path, code: 'reserved-range', message: `${shown} overlaps ${hit.what}`, fix: `${fix} ${hit.range}` })
      else if (own !== undefined) findings.push({ path: join.path, code: 'own-subnet', message: `${shown} overlaps the network's own subnet ${own.text}`, fix: `${fix} ${own.text}` })
    }
    return findings
  }
})
