import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { violationsOf } from '../network-policy/netpol.ts'
import { cudn, layer2, layer3, namespace, udn } from './networks.ts'

const LABEL = { 'k8s.ovn.org/primary-user-defined-network': '' }
const NAMESPACES = [namespace('shop', LABEL), namespace('bank'), namespace('red', LABEL), namespace('blue', LABEL), namespace('green')]
const found = (object: KubeObject, cluster: readonly KubeObject[] | 'unknown' = NAMESPACES, policy = '{}') =>
  violationsOf('UDN-PRIMARY-LABEL', object, policy, {
    cluster: cluster === 'unknown' ? clusterWith([], [{ group: '', kind: 'Namespace' }]) : clusterWith(cluster)
  })

t.test('a Primary network in a namespace created with the label passes', async (t) => {
  t.same(found(udn(layer2('Primary', ['10.0.0.0/24']))), [])
  t.same(found(cudn(layer2('Primary', ['203.203.0.0/16'])), NAMESPACES), [], 'red and blue carry it')
})

t.test('without the label, OVN-Kubernetes would refuse the network: denied, saying it cannot be added later', async (t) => {
  t.same(found(udn(layer3('Primary', [{ cidr: '10.150.0.0/16' }]), 'bank')), [{
    ruleId: 'UDN-PRIMARY-LABEL',
    action: 'deny',
    code: 'unlabelled',
    path: 'spec.layer3.role',
    message: 'a Primary network needs namespace bank to carry the label k8s.ovn.org/primary-user-defined-network, set when it was created',
    fix: 'create the namespace with the label k8s.ovn.org/primary-user-defined-network: "" (it cannot be added later), or make the network Secondary'
  }])
  t.same(found(cudn(layer2('Primary', ['203.203.0.0/16']), ['red', 'bank', 'green'])).map((v) => [v.path, v.message]), [[
    'spec.namespaceSelector',
    'a Primary network selects namespaces without the label k8s.ovn.org/primary-user-defined-network: bank, green'
  ]])
})

t.test('Secondary networks need no label', async (t) => {
  t.same(found(udn(layer2('Secondary', ['10.0.0.0/24']), 'bank')), [])
  t.same(found(cudn(layer2('Secondary', ['10.0.0.0/24']), ['bank'])), [])
})

t.test('while namespaces are unknown: a warning by default, a denial if the policy says so', async (t) => {
  t.match(found(udn(layer2('Primary', ['10.0.0.0/24']), 'bank'), 'unknown'), [{ action: 'warn', path: 'spec.layer2.role', message: 'the labels of namespace bank are not known yet, so this could not be checked' }])
  t.match(found(cudn(layer2('Primary', ['10.0.0.0/24'])), 'unknown'), [{ action: 'warn', message: /Namespace objects are not known yet/ }])
  t.match(found(cudn(layer2('Primary', ['10.0.0.0/24'])), 'unknown', 'rules: { UDN-PRIMARY-LABEL: { whenUnknown: deny } }'), [{ action: 'deny' }])
  t.match(found(udn(layer2('Primary', ['10.0.0.0/24'])), 'unknown', 'rules: { UDN-PRIMARY-LABEL: { whenUnknown: deny } }'), [{ action: 'deny' }])
  t.match(found(udn(layer2('Primary', ['10.0.0.0/24']), 'nowhere')), [{ action: 'warn' }], 'a namespace the cache does not hold yet is unknown too')
})
