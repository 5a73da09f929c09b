import { testExamples } from '../network-policy/netpol.ts'

// The EgressFirewall, EgressNetworkPolicy and EgressIP AdmissionReviews of examples/reviews/
// under the bundled policies/ (whose egress IP pool is empty: no egress IP passes).
testExamples(['egressfirewall-', 'egressip-'], {
  'egressfirewall-allowed.json': { allowed: true, warnings: [] },
  'egressfirewall-sdn-egressnetworkpolicy.json': { allowed: true, warnings: [] },
  'egressfirewall-allow-world.json': {
    allowed: false,
    deny: '[EFW-ALLOW-WORLD] spec.egress[1] allows egress to 4278190080 IPv4 addresses (0.0.0.0/0); at most 16777216 allowed; allow only the destinations the pods need, then end with a Deny to 0.0.0.0/0'
  },
  'egressfirewall-no-default-deny.json': {
    allowed: true,
    warnings: ['[EFW-DEFAULT-DENY] spec.egress does not end with a Deny to 0.0.0.0/0, so egress that no rule matches is allowed']
  },
  'egressfirewall-wildcard.json': {
    allowed: false,
    deny: '[EFW-LIMIT] spec.egress[0].to.dnsName "*.api-.example.com" is not a DNS name; write a DNS name such as api.example.com'
  },
  'egressip-outside-pool.json': {
    allowed: false,
    deny: [
      '[EGRESSIP-POOL] spec.egressIPs[0] 192.0.2.70 is outside the approved egress IP pool; pick an address from the egress IP pool, or ask a cluster admin to extend it',
      '[EGRESSIP-POOL] spec.egressIPs[1] 203.0.113.9 is outside the approved egress IP pool; pick an address from the egress IP pool, or ask a cluster admin to extend it'
    ].join('\n')
  },
  'egressip-empty-selector.json': {
    allowed: false,
    deny: [
      '[EGRESSIP-POOL] spec.egressIPs[0] 192.0.2.71 is outside the approved egress IP pool; pick an address from the egress IP pool, or ask a cluster admin to extend it',
      '[EGRESSIP-SELECTOR] spec.namespaceSelector selects every namespace, so the egress IPs apply to namespaces nobody chose; select the namespaces by name (kubernetes.io/metadata.name In [...]) or by a label only they carry'
    ].join('\n')
  }
})
