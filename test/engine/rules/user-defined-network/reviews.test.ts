import { testExamples } from '../network-policy/netpol.ts'

// The UserDefinedNetwork, ClusterUserDefinedNetwork and Namespace-label AdmissionReviews of
// examples/reviews/ under the bundled policies/, offline (no cluster state: the rules that
// compare with other objects warn that they could not).
testExamples(['userdefinednetwork-', 'clusteruserdefinednetwork-', 'namespace-update-add-udn-label'], {
  'userdefinednetwork-layer2-primary.json': {
    allowed: true,
    warnings: [
      '[UDN-OVERLAP] existing UserDefinedNetwork objects are not known (no cluster state was given), so this could not be checked',
      '[UDN-PRIMARY-LABEL] the labels of namespace shop are not known (no cluster state was given), so this could not be checked'
    ]
  },
  'userdefinednetwork-cluster-network-denied.json': {
    allowed: false,
    deny: '[UDN-SUBNETS] spec.layer3.subnets[0].cidr 10.128.0.0/16 overlaps the forbidden range 10.128.0.0/14; use a range outside 10.128.0.0/14'
  },
  'clusteruserdefinednetwork-every-namespace-denied.json': {
    allowed: false,
    deny: '[CUDN-SELECTOR] spec.namespaceSelector selects every namespace, so the network reaches the platform\'s namespaces and every one created later; select the namespaces by name (kubernetes.io/metadata.name In [...]) or by a label only they carry, leaving the platform\'s out'
  },
  'clusteruserdefinednetwork-localnet.json': {
    allowed: true,
    warnings: ['[UDN-LOCALNET] existing Namespace objects are not known (no cluster state was given), so this could not be checked']
  },
  'namespace-update-add-udn-label-denied.json': {
    allowed: false,
    deny: '[NS-UDN-LABEL] metadata.labels["k8s.ovn.org/primary-user-defined-network"] can only be set when the namespace is created; OVN-Kubernetes does not read it later; create a new namespace with the label and move the workloads there'
  }
})
