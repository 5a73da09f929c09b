import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { multiNetworkPolicy } from './policies.ts'

const found = (policyFor: string | undefined, policy = '{}') =>
  violationsOf('MNP-POLICY-FOR', multiNetworkPolicy({ ingress: [] }, policyFor === undefined ? {} : { 'k8s.v1.cni.cncf.io/policy-for': policyFor }), policy)

t.test('networks of the policy\'s own namespace pass, by name or namespace/name, spaces ignored', async (t) => {
  t.same(found('shop/macvlan-net'), [])
  t.same(found('macvlan-net, ipvlan-net ,shop/sriov-net'), [])
})

t.test('a network of another namespace is another tenant\'s: denied unless shared (POD-NETWORKS)', async (t) => {
  t.same(found('macvlan-net,bank/vault-net'), [{
    ruleId: 'MNP-POLICY-FOR',
    action: 'deny',
    path: 'metadata.annotations["k8s.v1.cni.cncf.io/policy-for"]',
    message: 'metadata.annotations["k8s.v1.cni.cncf.io/policy-for"] names bank/vault-net, a network of another namespace',
    fix: 'name networks of namespace shop'
  }])
  const shared = 'rules: { POD-NETWORKS: { sharedNamespaces: [shared-*] } }'
  t.same(found('shared-net/storage', shared), [], 'a shared namespace\'s network')
  t.match(found('bank/vault-net', shared), [{ fix: 'name networks of namespace shop or of shared-*' }])
  t.same(found('bank/vault-net', 'rules: { MNP-POLICY-FOR: { sharedNamespaces: [bank] } }'), [], 'its own setting wins')
})

t.test('without networks the policy applies to nothing: denied, saying so', async (t) => {
  t.match(found(undefined), [{ message: 'metadata.annotations["k8s.v1.cni.cncf.io/policy-for"] is missing, so the policy applies to no network', fix: 'name the policy\'s networks, e.g. k8s.v1.cni.cncf.io/policy-for: shop/my-network' }])
  t.match(found(' , '), [{ message: 'metadata.annotations["k8s.v1.cni.cncf.io/policy-for"] names no network, so the policy applies to no network' }])
})

t.test('entries the implementations read differently are malformed', async (t) => {
  t.same(found('shop/a/b,/a,shop/').map((v) => v.message), [
    'metadata.annotations["k8s.v1.cni.cncf.io/policy-for"] entry "shop/a/b" is not name or namespace/name',
    'metadata.annotations["k8s.v1.cni.cncf.io/policy-for"] entry "/a" is not name or namespace/name',
    'metadata.annotations["k8s.v1.cni.cncf.io/policy-for"] entry "shop/" is not name or namespace/name'
  ])
})
