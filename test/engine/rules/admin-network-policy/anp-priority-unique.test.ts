import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { violationsOf } from '../network-policy/netpol.ts'
import { anp } from './policies.ts'

const CLUSTER = [anp('allow-monitoring', 10), anp('deny-untrusted', 20), anp('pass-tenants', 20), anp('odd', 'x')]
const found = (object: KubeObject, options: { cluster?: readonly KubeObject[] | 'unknown', policy?: string, operation?: 'UPDATE' } = {}) =>
  violationsOf('ANP-PRIORITY-UNIQUE', object, options.policy, {
    cluster: options.cluster === 'unknown' ? clusterWith([], [{ group: 'policy.networking.k8s.io', kind: 'AdminNetworkPolicy' }]) : clusterWith(options.cluster ?? CLUSTER),
    ...(options.operation === undefined ? {} : { operation: options.operation, oldObject: object })
  })

t.test('a free priority passes; a taken one is denied, naming the holders (ANPs are the admin\'s own)', async (t) => {
  t.same(found(anp('new', 11)), [])
  t.same(found(anp('new', 10)), [{
    ruleId: 'ANP-PRIORITY-UNIQUE',
    action: 'deny',
    path: 'spec.priority',
    message: 'spec.priority 10 is already the priority of AdminNetworkPolicy allow-monitoring; which of them wins is undefined',
    fix: 'give each AdminNetworkPolicy a priority of its own'
  }])
  t.match(found(anp('new', 20)), [{ message: 'spec.priority 20 is already the priority of AdminNetworkPolicy deny-untrusted, pass-tenants; which of them wins is undefined' }])
})

t.test('an update keeps its own priority without clashing with itself', async (t) => {
  t.same(found(anp('allow-monitoring', 10), { operation: 'UPDATE' }), [])
  t.match(found(anp('deny-untrusted', 20), { operation: 'UPDATE' }), [{ message: /AdminNetworkPolicy pass-tenants;/ }], 'the other one at 20 still clashes')
})

t.test('many holders are counted, not all named', async (t) => {
  const crowd = ['a', 'b', 'c', 'd', 'e'].map((name) => anp(name, 30))
  t.match(found(anp('new', 30), { cluster: crowd }), [{ message: /AdminNetworkPolicy a, b, c and 2 more;/ }])
})

t.test('unknown state warns or denies; a priority that is not a number is left to ANP-PRIORITY', async (t) => {
  t.match(found(anp('new', 10), { cluster: 'unknown' }), [{ action: 'warn', message: /AdminNetworkPolicy objects are not known yet/ }])
  t.match(found(anp('new', 10), { cluster: 'unknown', policy: 'rules: { ANP-PRIORITY-UNIQUE: { whenUnknown: deny } }' }), [{ action: 'deny' }])
  t.same(found(anp('new', 'x')), [])
})
