import { testExamples } from '../network-policy/netpol.ts'

// The MultiNetworkPolicy AdmissionReviews of examples/reviews/ under the bundled policies/.
testExamples(['multinetworkpolicy-'], {
  'multinetworkpolicy-allowed.json': { allowed: true, warnings: [] },
  'multinetworkpolicy-open-denied.json': {
    allowed: false,
    deny: [
      '[MNP-ALLOW-ALL-INGRESS] spec.ingress[1] has no from: it admits every source; list the allowed pods, namespaces or ipBlocks in spec.ingress[1].from',
      '[MNP-WORLD-CIDR] spec.ingress[0].from admits 4278190080 IPv4 addresses (0.0.0.0/0 except 10.0.0.0/8); at most 16777216 allowed; narrow the ipBlocks to the clients that need access',
      '[MNP-POLICY-FOR] metadata.annotations["k8s.v1.cni.cncf.io/policy-for"] names bank/vault-net, a network of another namespace; name networks of namespace shop'
    ].join('\n')
  }
})
