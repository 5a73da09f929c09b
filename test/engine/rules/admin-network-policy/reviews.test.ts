import { testExamples } from '../network-policy/netpol.ts'

// The AdminNetworkPolicy AdmissionReviews of examples/reviews/ under the bundled policies/,
// offline (ANP-PRIORITY-UNIQUE warns that it could not compare).
testExamples(['adminnetworkpolicy-'], {
  'adminnetworkpolicy-allow-monitoring.json': {
    allowed: true,
    warnings: ['[ANP-PRIORITY-UNIQUE] existing AdminNetworkPolicy objects are not known yet, so this could not be checked']
  },
  'adminnetworkpolicy-wide-denied.json': {
    allowed: false,
    deny: [
      '[ANP-PRIORITY] spec.priority 150 is above 99, the highest the network plugin implements: the policy would not be applied; use a priority from 0 (first) to 99 (last)',
      '[ANP-WIDE-ALLOW] spec.egress[0] Allow to 4294967296 IPv4 addresses (0.0.0.0/1, 128.0.0.0/1; at most 16777216) overrides every NetworkPolicy of the namespaces it applies to; select the namespaces, pods or networks meant, or name the policy in allowedNames if it is meant to be that wide',
      '[ANP-WIDE-ALLOW] spec.egress[1] Pass to every namespace skips every AdminNetworkPolicy after it; select the namespaces, pods or networks meant, or name the policy in allowedNames if it is meant to be that wide'
    ].join('\n')
  }
})
