import Type from 'typebox'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { asObject } from '../../read.ts'
import { ADMIN_POLICY_KINDS, adminPolicySpec, BANP_KIND } from './admin-network-policy.ts'
import { platformReach } from './platform-reach.ts'

/**
 * An admin network policy applies to its subject above (AdminNetworkPolicy) or below
 * (BaselineAdminNetworkPolicy) every NetworkPolicy: a subject of every namespace, or of the
 * platform's, puts the cluster's own components (the API server's clients, DNS, the router,
 * monitoring) under rules written for tenants, where one Deny breaks the cluster.
 */
export const anpSubject = defineRule({
  type: 'validate',
  id: 'ANP-SUBJECT',
  kinds: ADMIN_POLICY_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'an AdminNetworkPolicy or BaselineAdminNetworkPolicy subject that selects every namespace, or exempt (platform) namespaces',
  settings: Type.Object({}),
  defaults: {},
  compile: (_settings, shared) => shared?.exemptions,
  check (object, context, exemptions) {
    const subject = asObject(adminPolicySpec(object)['subject']) ?? {}
    const what = context.kind.kind === BANP_KIND.kind ? 'the baseline' : 'the policy'
    const findings: Finding[] = []
    if (subject['namespaces'] !== undefined) findings.push(...platformReach(subject['namespaces'], 'spec.subject.namespaces', context, exemptions, what))
    const pods = asObject(subject['pods'])
    if (pods !== undefined) findings.push(...platformReach(pods['namespaceSelector'], 'spec.subject.pods.namespaceSelector', context, exemptions, what))
    return findings
  }
})
