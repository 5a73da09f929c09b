import { testExamples } from './netpol.ts'

// The NetworkPolicy AdmissionReviews of examples/reviews/ under the bundled policies/.
testExamples(['networkpolicy-'], {
  'networkpolicy-allowed.json': { allowed: true, warnings: [] },
  'networkpolicy-allow-all-ingress.json': {
    allowed: false,
    deny: '[NETPOL-ALLOW-ALL-INGRESS] spec.ingress[0] has no from: it admits every source; list the allowed pods, namespaces or ipBlocks in spec.ingress[0].from'
  },
  'networkpolicy-world-cidr.json': {
    allowed: false,
    deny: '[NETPOL-WORLD-CIDR] spec.ingress[0].from admits 4278190080 IPv4 addresses (0.0.0.0/0 except 10.0.0.0/8); at most 16777216 allowed; narrow the ipBlocks to the clients that need access'
  },
  'networkpolicy-world-cidr-split.json': {
    allowed: false,
    deny: '[NETPOL-WORLD-CIDR] spec.ingress[0].from admits 4294967296 IPv4 addresses (0.0.0.0/1, 128.0.0.0/1, ::ffff:0:0/96); at most 16777216 allowed; narrow the ipBlocks to the clients that need access'
  },
  'networkpolicy-all-namespaces.json': {
    allowed: true,
    warnings: ['[NETPOL-ALL-NAMESPACES] spec.ingress[0].from[0].namespaceSelector selects every namespace: the peer admits every pod there']
  },
  'networkpolicy-egress-anywhere.json': {
    allowed: true,
    warnings: ['[NETPOL-EGRESS-CIDR] spec.egress[0] has no to: it allows egress anywhere; list the destinations in spec.egress[0].to']
  },
  'networkpolicy-managed-delete.json': {
    allowed: false,
    deny: '[NETPOL-MANAGED] NetworkPolicy allow-same-namespace is managed by netguard and cannot be deleted; add a NetworkPolicy of your own instead, or ask a cluster admin'
  },
  'networkpolicy-managed-unlabel.json': {
    allowed: false,
    deny: [
      '[NETPOL-ALLOW-ALL-INGRESS] spec.ingress[0] has no from: it admits every source; list the allowed pods, namespaces or ipBlocks in spec.ingress[0].from',
      '[NETPOL-MANAGED] removing metadata.labels["app.kubernetes.io/managed-by"] from NetworkPolicy allow-same-namespace is not allowed: netguard manages it; add a NetworkPolicy of your own instead, or ask a cluster admin'
    ].join('\n')
  }
})
