import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { violationsOf } from '../network-policy/netpol.ts'
import { cudn, layer2, namespace } from './networks.ts'

const NAMESPACES = [namespace('red', { team: 'red' }), namespace('blue', { team: 'blue' }), namespace('openshift-monitoring', { team: 'red' })]
const found = (object: KubeObject, cluster: readonly KubeObject[] = NAMESPACES) =>
  violationsOf('CUDN-SELECTOR', object, 'exemptions: { namespaces: ["openshift-*"] }', { cluster: clusterWith(cluster) })
const withSelector = (namespaceSelector: unknown): KubeObject => {
  const object = cudn(layer2('Primary', ['203.203.0.0/16']))
  return { ...object, spec: { ...(object['spec'] as object), namespaceSelector } }
}

t.test('a network for named tenant namespaces passes', async (t) => {
  t.same(found(cudn(layer2('Primary', ['203.203.0.0/16']))), [])
})

t.test('a network for every namespace is denied', async (t) => {
  t.same(found(withSelector({})), [{
    ruleId: 'CUDN-SELECTOR',
    action: 'deny',
    code: 'every-namespace',
    path: 'spec.namespaceSelector',
    message: 'spec.namespaceSelector selects every namespace, so the network reaches the platform\'s namespaces and every one created later',
    fix: 'select the namespaces by name (kubernetes.io/metadata.name In [...]) or by a label only they carry, leaving the platform\'s out'
  }])
  t.equal(found(withSelector(undefined)).length, 1, 'no selector is the empty selector')
})

t.test('a network for exempt namespaces is denied, naming them', async (t) => {
  t.match(found(withSelector({ matchLabels: { team: 'red' } })), [{ message: 'spec.namespaceSelector selects the exempt namespace openshift-monitoring, so the network reaches the platform' }])
  t.same(found(withSelector({ matchLabels: { team: 'blue' } })), [])
})
