import { testExamples } from '../network-policy/netpol.ts'

// The AdminNetworkPolicy and BaselineAdminNetworkPolicy AdmissionReviews of examples/reviews/ under the bundled policies/,
// offline (ANP-PRIORITY-UNIQUE warns that it could not compare).
testExamples(['adminnetworkpolicy-', 'baselineadminnetworkpolicy-'], {
  'adminnetworkpolicy-allow-monitoring.json': {
    allowed: true,
    warnings: ['[ANP-PRIORITY-UNIQUE] existing AdminNetworkPolicy objects are not known (no cluster state was given), so this could not be checked']
  },
  'adminnetworkpolicy-wide-denied.json': {
    allowed: false,
    deny: [
      '[ANP-PRIORITY] spec.priority 150 is above 99, the highest the network plugin implements: the policy would not be applied; use a priority from 0 (first) to 99 (last)',
      '[ANP-WIDE-ALLOW] spec.egress[0] Allow to 4294967296 IPv4 addresses (0.0.0.0/1, 128.0.0.0/1; at most 16777216) overrides every NetworkPolicy of the namespaces it applies to; select the namespaces, pods or networks meant, or name the policy in allowedNames if it is meant to be that wide',
      '[ANP-WIDE-ALLOW] spec.egress[1] Pass to every namespace skips every AdminNetworkPolicy after it; select the namespaces, pods or networks meant, or name the policy in allowedNames if it is meant to be that wide',
      '[ANP-SUBJECT] spec.subject.namespaces selects every namespace, so the policy reaches the platform\'s namespaces and every one created later; select the namespaces by name (kubernetes.io/metadata.name In [...]) or by a label only they carry, leaving the platform\'s out'
    ].join('\n')
  },
  'baselineadminnetworkpolicy-every-namespace-denied.json': {
    allowed: false,
    deny: '[ANP-SUBJECT] spec.subject.namespaces selects every namespace, so the baseline reaches the platform\'s namespaces and every one created later; select the namespaces by name (kubernetes.io/metadata.name In [...]) or by a label only they carry, leaving the platform\'s out'
  }
})
