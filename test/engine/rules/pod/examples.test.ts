import t from 'tap'
import { checkExamples } from '../network-attachment/helpers.ts'

t.test('the pod example reviews get the verdict their names promise under the bundled policy', async (t) => {
  const networks = 'metadata.annotations["k8s.v1.cni.cncf.io/networks"]'
  await checkExamples(t, 'pod-', {
    'pod-deployment-hostport-denied.json': ['deny POD-HOSTPORT spec.template.spec.containers[0].ports[0].hostPort'],
    'pod-hostnetwork-denied.json': ['deny POD-HOSTNETWORK spec.hostNetwork'],
    'pod-networks-allowed.json': [],
    'pod-networks-malformed-denied.json': [`deny POD-NETWORKS ${networks}`],
    // Another namespace's NAD, and a static IP in the service network.
    'pod-networks-other-namespace-denied.json': [`deny POD-NETWORKS ${networks}`, `deny POD-NETWORKS ${networks}`]
  })
})
