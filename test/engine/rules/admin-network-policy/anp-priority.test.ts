import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { anp } from './policies.ts'

const found = (priority: unknown, policy = '{}') => violationsOf('ANP-PRIORITY', anp('cluster-control', priority), policy)

t.test('priorities OVN-Kubernetes implements pass', async (t) => {
  t.same(found(0), [])
  t.same(found(99), [])
})

t.test('above 99 OVN-Kubernetes leaves the policy out: denied', async (t) => {
  t.same(found(100), [{
    ruleId: 'ANP-PRIORITY',
    action: 'deny',
    path: 'spec.priority',
    message: 'spec.priority 100 is above 99, the highest the network plugin implements: the policy would not be applied',
    fix: 'use a priority from 0 (first) to 99 (last)'
  }])
  t.same(found(1000, 'rules: { ANP-PRIORITY: { maxPriority: 1000 } }'), [], 'a plugin that takes the whole API range')
})

t.test('what is not a priority is a finding', async (t) => {
  t.same(found('5').map((v) => v.message), ['spec.priority "5" is not a priority (a whole number from 0 to 99)'])
  t.same(found(-1).map((v) => v.message), ['spec.priority -1 is not a priority (a whole number from 0 to 99)'])
  t.same(found(1.5).length, 1)
  t.same(found(undefined).length, 1)
})
