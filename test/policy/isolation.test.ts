import t from 'tap'
import { loadPolicyDir } from '../../src/policy/load.ts'
import { compilePolicy } from '../../src/policy/compile.ts'
import { parseSource } from '../../src/policy/parse.ts'
import { DEFAULT_ISOLATION } from '../../src/policy/isolation.ts'
import { policyWith } from '../helpers/policy.ts'

t.test('without spec.isolation the DESIGN defaults apply', async (t) => {
  const { isolation } = policyWith().shared
  t.equal(isolation.label, 'netguard.io/isolation')
  t.equal(isolation.value, 'default-deny')
  t.same(isolation.networkPolicies.map((policy) => policy.name), [
    'netguard-deny-by-default', 'netguard-allow-same-namespace', 'netguard-allow-from-ingress', 'netguard-allow-from-monitoring'
  ])
})

t.test('the bundled policies/namespaces.yaml spells out exactly the defaults', async (t) => {
  const policy = await loadPolicyDir('policies')
  t.same(policy.shared.isolation, DEFAULT_ISOLATION)
})

t.test('a policy replaces the set and may add labels', async (t) => {
  const { isolation } = policyWith(`
isolation:
  label: example.com/isolated
  value: "yes"
  networkPolicies:
    - name: allow-dns
      labels: { team: platform }
      spec: { podSelector: {}, policyTypes: [Egress], egress: [{ ports: [{ port: 53, protocol: UDP }] }] }
`).shared
  t.same(isolation, {
    label: 'example.com/isolated',
    value: 'yes',
    networkPolicies: [{ name: 'allow-dns', labels: { team: 'platform' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] } }],
    mechanism: 'networkPolicies',
    secondaryNetworks: true
  })
})

t.test('the mechanism and the secondary-network duty are chosen in the policy', async (t) => {
  const { isolation } = policyWith('isolation: { mechanism: baselineAdminNetworkPolicy, secondaryNetworks: false }').shared
  t.equal(isolation.mechanism, 'baselineAdminNetworkPolicy')
  t.equal(isolation.secondaryNetworks, false)
  t.same(isolation.networkPolicies, DEFAULT_ISOLATION.networkPolicies, 'the NetworkPolicies the baseline is made from keep their defaults')
  t.throws(() => policyWith('isolation: { mechanism: anp }'), { code: 'NG_ERR_POLICY_INVALID', message: /spec\.isolation\.mechanism/ })
  t.throws(() => policyWith('isolation: { secondaryNetworks: "yes" }'), { message: /spec\.isolation\.secondaryNetworks/ })
})

t.test('bad isolation settings name the field', async (t) => {
  t.throws(() => policyWith('isolation: { networkPolicies: [{ name: a, spec: { podSelector: {} } }, { name: a, spec: { podSelector: {} } }] }'),
    { code: 'NG_ERR_POLICY_INVALID', message: /spec\.isolation\.networkPolicies\[1\]\.name: duplicate NetworkPolicy name "a"/ })
  t.throws(() => policyWith('isolation: { networkPolicies: [{ name: a, spec: { podSelector: {}, ingres: [] } }] }'),
    { message: /spec\.isolation\.networkPolicies\[0\]\.spec\.ingres: unknown field/ })
  t.throws(() => policyWith('isolation: { networkPolicies: [{ name: Bad_Name, spec: { podSelector: {} } }] }'),
    { message: /spec\.isolation\.networkPolicies\[0\]\.name/ })
  t.throws(() => policyWith('isolation: { label: "not a label" }'), { message: /spec\.isolation\.label/ })
})

t.test('isolation is configured in one document only', async (t) => {
  const document = (name: string) => JSON.stringify({ apiVersion: 'netguard.io/v1alpha1', kind: 'NetworkGuardPolicy', metadata: { name }, spec: { isolation: { value: name } } })
  const documents = [...parseSource('a.yaml', document('a')).documents, ...parseSource('b.yaml', document('b')).documents]
  t.throws(() => compilePolicy(documents), { message: /b\.yaml:1: spec\.isolation: isolation is already configured in a\.yaml/ })
})
