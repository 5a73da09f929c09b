import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { allow, deny, dns, firewall, type Kind } from './egress.ts'

const found = (egress: unknown, policy = '{}', kind: Kind = 'EgressFirewall') => violationsOf('EFW-LIMIT', firewall(egress, kind), policy)
const rules = (count: number) => Array.from({ length: count }, (_, index) => allow(`10.${index >> 8}.${index & 255}.0/24`))

t.test('more than 8,000 rules is denied', async (t) => {
  t.same(found([...rules(8000), deny('0.0.0.0/0')]), [{
    ruleId: 'EFW-LIMIT',
    action: 'deny',
    path: 'spec.egress',
    message: 'spec.egress has 8001 rules; at most 8000 allowed',
    fix: 'merge rules into fewer CIDRs: past the limit the firewall breaks and may drop all egress'
  }])
  t.same(found([...rules(7999), deny('0.0.0.0/0')]), [], 'exactly 8,000 passes')
})

t.test('EgressNetworkPolicy allows 1,000; both limits are settings', async (t) => {
  t.match(found(rules(1001), '{}', 'EgressNetworkPolicy'), [{ message: 'spec.egress has 1001 rules; at most 1000 allowed' }])
  t.same(found(rules(1000), '{}', 'EgressNetworkPolicy'), [])
  const lower = 'rules: { EFW-LIMIT: { maxRules: { egressFirewall: 10, egressNetworkPolicy: 5 } } }'
  t.match(found(rules(11), lower), [{ message: /11 rules; at most 10/ }])
  t.match(found(rules(6), lower, 'EgressNetworkPolicy'), [{ message: /6 rules; at most 5/ }])
  t.throws(() => found([], 'rules: { EFW-LIMIT: { maxRules: { egressFirewall: 10 } } }'), { code: 'NG_ERR_POLICY_INVALID' })
})

t.test('a dnsName wildcard is one leading *. only', async (t) => {
  t.same(found([dns('Allow', '*.example.com'), dns('Allow', 'api.example.com'), dns('Deny', 'example.com.')]), [])
  const bad = ['*.*.example.com', 'api.*.example.com', '*example.com', '*', 'example.*', '**.example.com']
  t.same(found(bad.map((name) => dns('Allow', name))).map((v) => v.message), bad.map((name, index) =>
    `spec.egress[${index}].to.dnsName ${JSON.stringify(name)} has a wildcard other than one leading *.`))
  t.match(found([dns('Allow', '*.*.example.com')]), [{ path: 'spec.egress[0].to.dnsName', fix: 'use one leading *. (it matches one label), or list each DNS name' }])
})

t.test('EgressNetworkPolicy supports no wildcard at all, and no IPv6', async (t) => {
  t.match(found([dns('Allow', '*.example.com')], '{}', 'EgressNetworkPolicy'), [{ message: 'spec.egress[0].to.dnsName "*.example.com" is a wildcard, which EgressNetworkPolicy does not support' }])
  t.match(found([allow('2001:db8::/32')], '{}', 'EgressNetworkPolicy'), [{ path: 'spec.egress[0].to.cidrSelector', message: 'spec.egress[0].to.cidrSelector 2001:db8::/32 is IPv6, which EgressNetworkPolicy does not support' }])
  t.same(found([allow('2001:db8::/32'), dns('Allow', '*.example.com')]), [], 'EgressFirewall supports both')
})

t.test('rules the network plugin cannot read are refused', async (t) => {
  t.same(found([
    { type: 'Permit', to: { cidrSelector: '10.0.0.0/8' } },
    { to: { cidrSelector: '10.0.0.0/8' } },
    allow('10.0.0.0/33'),
    allow('010.0.0.0/8'),
    { type: 'Allow', to: { cidrSelector: 7 } },
    dns('Allow', 'exa mple.com'),
    dns('Allow', '-bad.example.com'),
    dns('Allow', 42),
    dns('Allow', '*.')
  ]).map((v) => v.message), [
    'spec.egress[0].type "Permit" is neither Allow nor Deny',
    'spec.egress[1].type is missing',
    'spec.egress[2].to.cidrSelector "10.0.0.0/33" is not a CIDR',
    'spec.egress[3].to.cidrSelector "010.0.0.0/8" is not a CIDR',
    'spec.egress[4].to.cidrSelector 7 is not a CIDR',
    'spec.egress[5].to.dnsName "exa mple.com" is not a DNS name',
    'spec.egress[6].to.dnsName "-bad.example.com" is not a DNS name',
    'spec.egress[7].to.dnsName 42 is not a DNS name',
    'spec.egress[8].to.dnsName "*." is not a DNS name'
  ])
})

t.test('malformed input never throws', async (t) => {
  t.same(found('everything').map((v) => v.message), ['spec.egress is the string "everything"; expected a list'])
  t.same(found(null), [])
  t.same(found([null]).map((v) => v.path), ['spec.egress[0].type'])
  t.same(found([{ type: 'Allow', to: 'x' }]).map((v) => v.message), ['spec.egress[0].to is the string "x"; expected an object'])
  t.same(found([{ type: 'Allow', to: { nodeSelector: { matchLabels: { role: 'infra' } } }, ports: [{ protocol: 'TCP', port: 443 }] }]), [])
})
