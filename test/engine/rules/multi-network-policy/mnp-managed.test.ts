import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { multiNetworkPolicy } from './policies.ts'

const MANAGED = { 'app.kubernetes.io/managed-by': 'netguard' }
const deny = multiNetworkPolicy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [] }, { 'k8s.v1.cni.cncf.io/policy-for': 'shop/macvlan-net' }, MANAGED)
const named = { ...deny, metadata: { ...deny.metadata, name: 'netguard-deny-macvlan-net' } }

t.test('the default-deny MultiNetworkPolicies netguard keeps are guarded as its NetworkPolicies are', async (t) => {
  t.same(violationsOf('MNP-MANAGED', named, '{}', { operation: 'DELETE', oldObject: named }), [{
    ruleId: 'MNP-MANAGED',
    action: 'deny',
    path: 'metadata.labels["app.kubernetes.io/managed-by"]',
    message: 'MultiNetworkPolicy netguard-deny-macvlan-net is managed by netguard and cannot be deleted',
    fix: 'add a MultiNetworkPolicy of your own instead, or ask a cluster admin'
  }])
  const opened = { ...named, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] } }
  t.match(violationsOf('MNP-MANAGED', opened, '{}', { operation: 'UPDATE', oldObject: named }), [{ path: 'spec', message: 'MultiNetworkPolicy netguard-deny-macvlan-net is managed by netguard; spec cannot be changed' }])
  t.match(violationsOf('MNP-MANAGED', opened, '{}', { operation: 'CREATE' }), [{ message: /is reserved for the policies netguard creates/ }], 'a tenant cannot make one look official')
  t.same(violationsOf('MNP-MANAGED', named, '{}', { operation: 'CREATE' }), [], 'one exactly as netguard writes it is netguard\'s own (test/engine/isolation.test.ts)')
  t.same(violationsOf('MNP-MANAGED', named, '{}', { operation: 'DELETE', oldObject: named, username: 'system:serviceaccount:netguard:netguard' }), [], 'netguard itself is exempt')
  t.same(violationsOf('MNP-MANAGED', multiNetworkPolicy({}), '{}', { operation: 'DELETE', oldObject: multiNetworkPolicy({}) }), [], 'a tenant\'s own policy is theirs')
})
