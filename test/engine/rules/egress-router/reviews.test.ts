import { testExamples } from '../network-policy/netpol.ts'

// The EgressRouter AdmissionReviews of examples/reviews/ under the bundled policies/, which give
// no namespace an address range or a node interface until an admin does.
testExamples(['egressrouter-'], {
  'egressrouter-redirect-denied.json': {
    allowed: false,
    deny: [
      '[ER-ADDRESS] spec.addresses[0].ip 192.168.12.99 is not inside the CIDRs allowed in namespace shop; ask a cluster admin to assign this namespace a range',
      '[ER-INTERFACE] spec.networkInterface.macvlan.master ens4 is not an allowed interface in namespace shop; ask a cluster admin to allow the interface'
    ].join('\n')
  }
})
