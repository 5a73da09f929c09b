import Type from 'typebox'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import {
  allowancesIn, allowedCidrs, compileCidrAllowances, describeCidrs,
  forbiddenOverlap, offer, PerNamespaceSchema
} from './allowances.ts'
import { distinctFindings, NAD_KIND, nadConfig } from './network-attachment.ts'

/** OKD's default cluster and service networks, loopback and link-local (cloud metadata). */
export const DEFAULT_FORBIDDEN_CIDRS: readonly string[] = ['10.128.0.0/14', '172.30.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '::1/128']

/**
 * Addresses on a secondary network must not collide with the cluster's own networks (a pod
 * could shadow Services or other pods) and must stay inside what the namespace was given.
 * Each range is judged by its whole subnet: that is what the pod reaches on-link.
 */
export const nadIpamRange = defineRule({
  type: 'validate',
  id: 'NAD-IPAM-RANGE',
  kinds: NAD_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'an IPAM subnet / range / static address overlapping a forbidden CIDR (cluster and service networks by default) or outside the namespace\'s allowed CIDRs',
  category: 'Multiple networks',
  severity: 'high',
  settings: Type.Object({
    allowedCidrs: Type.Optional(Type.Array(Type.String(), { description: 'CIDRs every namespace may use' })),
    forbiddenCidrs: Type.Optional(Type.Array(Type.String(), { description: 'CIDRs no attachment may overlap, even where allowed' })),
    perNamespace: Type.Optional(PerNamespaceSchema)
  }),
  defaults: { allowedCidrs: [], forbiddenCidrs: [...DEFAULT_FORBIDDEN_CIDRS], perNamespace: [] },
  compile: compileCidrAllowances,
  check (object, context, { base, forbidden, perNamespace }) {
    const config = nadConfig(object)
    const findings: Finding[] = config.rangeProblems.map(({ path, message }) => ({
      path,
      message,
      fix: 'write subnets and ranges as CIDRs (192.168.50.0/24) and addresses as IPs, inside their subnet'
    }))
    const ranges = config.plugins.flatMap((plugin) => plugin.ranges)
    if (ranges.length === 0) return findings
    const allowances = allowancesIn(base, perNamespace, context.namespace)
    const allowed = allowedCidrs(allowances)
    for (const range of ranges) {
      const hit = forbiddenOverlap(forbidden, range.subnet)
      if (hit !== undefined) {
        findings.push({ path: range.path, message: `${range.path} ${range.text} overlaps the forbidden range ${hit}`, fix: `use addresses outside ${hit}` })
      } else if (!allowed.covers(range.subnet)) {
        findings.push({
          path: range.path,
          message: `${range.path} ${range.text} is not inside the CIDRs allowed ${inNamespace(context)}`,
          fix: offer(describeCidrs(allowances), 'ask a cluster admin to assign this namespace a range')
        })
      }
    }
    return distinctFindings(findings)
  }
})
