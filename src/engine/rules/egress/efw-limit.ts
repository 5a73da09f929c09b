import Type from 'typebox'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding, ReviewContext } from '../../types.ts'
import { EGRESS_FIREWALL_KINDS, FIREWALL_FIELDS, type FirewallRule, firewallRules, isSdnPolicy } from './egress.ts'

/**
 * A DNS name, optionally behind one leading `*.`, as OpenShift's DNSNameResolver (through which
 * OVN-Kubernetes resolves wildcard names) takes it: stricter than the EgressFirewall CRD's
 * pattern, which lets a label begin or end with `-`.
 */
const DNS_NAME = /^(\*\.)?([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?\.)*[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?\.?$/

/**
 * What breaks a firewall: beyond its rule limit (8,000 for OVN-Kubernetes, 1,000 for OpenShift
 * SDN) the firewall is not applied and all egress of the namespace may be dropped. A rule the
 * network plugin cannot read (type, CIDR, DNS name, a wildcard anywhere but one leading `*.`)
 * fails the whole firewall the same way, so it is refused here rather than found there.
 */
export const efwLimit = defineRule({
  type: 'validate',
  id: 'EFW-LIMIT',
  kinds: EGRESS_FIREWALL_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: FIREWALL_FIELDS,
  summary: 'more than 8,000 rules (1,000 for EgressNetworkPolicy), a dnsName wildcard other than one leading *., or a rule the network plugin cannot read',
  category: 'Egress security',
  severity: 'medium',
  settings: Type.Object({
    maxRules: Type.Optional(Type.Object({
      egressFirewall: Type.Integer({ minimum: 0 }),
      egressNetworkPolicy: Type.Integer({ minimum: 0 })
    }, { additionalProperties: false, description: 'the most rules a firewall may have, per kind' }))
  }),
  defaults: { maxRules: { egressFirewall: 8000, egressNetworkPolicy: 1000 } },
  compile: (settings) => settings.maxRules,
  check (object, context, maxRules) {
    const rules = firewallRules(object)
    const findings: Finding[] = []
    const max = isSdnPolicy(context) ? maxRules.egressNetworkPolicy : maxRules.egressFirewall
    if (rules.length > max) {
      findings.push({
        path: 'spec.egress',
        message: `spec.egress has ${rules.length} rules; at most ${max} allowed`,
        fix: 'merge rules into fewer CIDRs: past the limit the firewall breaks and may drop all egress'
      })
    }
    for (const rule of rules) findings.push(...unreadable(rule, context))
    return findings
  }
})

function unreadable (rule: FirewallRule, context: ReviewContext): Finding[] {
  const findings: Finding[] = []
  const kind = context.kind.kind
  if (rule.type !== 'Allow' && rule.type !== 'Deny') {
    const message = rule.type === undefined ? `${rule.path}.type is missing` : `${rule.path}.type ${JSON.stringify(rule.type)} is neither Allow nor Deny`
    findings.push({ path: `${rule.path}.type`, message, fix: 'use type Allow or Deny' })
  }
  if (rule.cidrText !== undefined) {
    const path = `${rule.path}.to.cidrSelector`
    if (rule.cidr === undefined) {
      findings.push({ path, message: `${path} ${JSON.stringify(rule.cidrText)} is not a CIDR`, fix: 'write a CIDR such as 203.0.113.0/24' })
    } else if (rule.cidr.family === 6 && isSdnPolicy(context)) {
      findings.push({ path, message: `${path} ${rule.cidr.text} is IPv6, which ${kind} does not support`, fix: 'use IPv4 CIDRs, or an EgressFirewall on OVN-Kubernetes' })
    }
  }
  if (rule.dnsName !== undefined) findings.push(...badDnsName(rule, context))
  return findings
}

function badDnsName (rule: FirewallRule, context: ReviewContext): Finding[] {
  const path = `${rule.path}.to.dnsName`
  const name = rule.dnsName
  const quoted = JSON.stringify(name)
  if (typeof name === 'string' && name.includes('*')) {
    if (isSdnPolicy(context)) {
      return [{ path, message: `${path} ${quoted} is a wildcard, which ${context.kind.kind} does not support`, fix: 'list each DNS name' }]
    }
    if (name.replace(/^\*\./, '').includes('*')) {
      return [{ path, message: `${path} ${quoted} has a wildcard other than one leading *.`, fix: 'use one leading *. (it matches one label), or list each DNS name' }]
    }
  }
  if (typeof name === 'string' && DNS_NAME.test(name)) return []
  return [{ path, message: `${path} ${quoted} is not a DNS name`, fix: 'write a DNS name such as api.example.com' }]
}
