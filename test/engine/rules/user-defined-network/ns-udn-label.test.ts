import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { violationsOf } from '../network-policy/netpol.ts'
import { namespace } from './networks.ts'

const LABEL = { 'k8s.ovn.org/primary-user-defined-network': '' }
const update = (before: KubeObject, after: KubeObject) => violationsOf('NS-UDN-LABEL', after, '{}', { operation: 'UPDATE', oldObject: before })

t.test('the label is set at creation and kept', async (t) => {
  t.same(violationsOf('NS-UDN-LABEL', namespace('shop', LABEL)), [], 'CREATE with the label')
  t.same(update(namespace('shop', LABEL), namespace('shop', { ...LABEL, team: 'web' })), [], 'other labels change freely')
  t.same(update(namespace('shop', LABEL), namespace('shop', { 'k8s.ovn.org/primary-user-defined-network': 'yes' })), [], 'OVN-Kubernetes reads its presence, not its value')
  t.same(update(namespace('bank'), namespace('bank', { team: 'web' })), [])
})

t.test('adding it later is denied with a message that says it only counts at creation', async (t) => {
  t.same(update(namespace('bank'), namespace('bank', LABEL)), [{
    ruleId: 'NS-UDN-LABEL',
    action: 'deny',
    path: 'metadata.labels["k8s.ovn.org/primary-user-defined-network"]',
    message: 'metadata.labels["k8s.ovn.org/primary-user-defined-network"] can only be set when the namespace is created; OVN-Kubernetes does not read it later',
    fix: 'create a new namespace with the label and move the workloads there'
  }])
  t.match(update({ ...namespace('bank'), metadata: { name: 'bank' } }, namespace('bank', LABEL)), [{ action: 'deny' }], 'an old object without labels')
})

t.test('removing it is denied too', async (t) => {
  t.match(update(namespace('shop', LABEL), namespace('shop')), [{ message: 'metadata.labels["k8s.ovn.org/primary-user-defined-network"] cannot be removed: OVN-Kubernetes read it when the namespace was created', fix: 'keep the label' }])
})

t.test('exempt users (cluster admins\' groups) skip it, as every rule', async (t) => {
  t.same(violationsOf('NS-UDN-LABEL', namespace('bank', LABEL), 'exemptions: { groups: [system:masters] }', { operation: 'UPDATE', oldObject: namespace('bank'), groups: ['system:masters'] }), [])
})
