import t from 'tap'
import { RULES } from '../../../../src/engine/rules/index.ts'
import { asNetworkPolicy } from '../../../../src/engine/rules/multi-network-policy/multi-network-policy.ts'
import { ingressFrom, ipBlock, networkPolicy, violationsOf } from '../network-policy/netpol.ts'
import { multiNetworkPolicy } from './policies.ts'

// Each MNP rule is its NETPOL rule run on a MultiNetworkPolicy: the same findings on the same spec.
const PAIRS = [
  ['MNP-ALLOW-ALL-INGRESS', 'NETPOL-ALLOW-ALL-INGRESS'],
  ['MNP-ALL-NAMESPACES', 'NETPOL-ALL-NAMESPACES'],
  ['MNP-WORLD-CIDR', 'NETPOL-WORLD-CIDR'],
  ['MNP-EGRESS-CIDR', 'NETPOL-EGRESS-CIDR']
] as const
const SPECS: readonly Record<string, unknown>[] = [
  { ingress: [{}] },
  { ingress: [{ ports: [{ port: 5432 }] }] },
  ingressFrom({ namespaceSelector: {} }),
  ingressFrom({ namespaceSelector: {}, podSelector: {} }),
  ingressFrom(ipBlock('0.0.0.0/0', '10.0.0.0/8')),
  ingressFrom(ipBlock('0.0.0.0/1'), ipBlock('128.0.0.0/1')),
  ingressFrom(ipBlock('::ffff:0:0/96')),
  ingressFrom(ipBlock('192.168.50.0/24')),
  { policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] },
  { policyTypes: ['Egress'], egress: [{ to: [ipBlock('0.0.0.0/0')] }] },
  { policyTypes: ['Egress'], egress: [{ to: [ipBlock('203.0.113.0/24')] }] },
  { egress: [{ to: [{ namespaceSelector: {} }] }] },
  { policyTypes: ['Ingress'], egress: [{ to: [ipBlock('0.0.0.0/0')] }] }
]
const POLICY = 'rules: { NETPOL-EGRESS-CIDR: { approvedCidrs: [192.168.0.0/16] } }'
const strip = (violations: readonly { ruleId: string }[]) => violations.map(({ ruleId: _ruleId, ...rest }) => rest)

t.test('every MNP rule finds what its NETPOL rule finds on the same spec, settings included', async (t) => {
  let found = 0
  for (const spec of SPECS) {
    for (const [mnp, netpol] of PAIRS) {
      const mine = violationsOf(mnp, multiNetworkPolicy(spec), POLICY)
      found += mine.length
      t.same(strip(mine), strip(violationsOf(netpol, networkPolicy(spec), POLICY)), `${mnp} on ${JSON.stringify(spec)}`)
    }
  }
  t.ok(found >= 10, 'the table exercises the rules')
})

t.test('each inherits the settings of its NETPOL rule and keeps its default action; its own entry wins', async (t) => {
  for (const [mnp, netpol] of PAIRS) {
    const [mine, theirs] = [RULES.find((rule) => rule.id === mnp), RULES.find((rule) => rule.id === netpol)]
    t.equal(mine?.defaultAction, theirs?.defaultAction, `${mnp} action`)
    t.same(mine?.inherits, [{ rule: netpol, settings: Object.keys(theirs?.settings.properties ?? {}) }])
    t.same(mine?.kinds, [{ group: 'k8s.cni.cncf.io', kind: 'MultiNetworkPolicy' }])
  }
  const egress = multiNetworkPolicy({ policyTypes: ['Egress'], egress: [{ to: [ipBlock('203.0.113.0/24')] }] })
  t.equal(violationsOf('MNP-EGRESS-CIDR', egress, POLICY).length, 1)
  t.same(violationsOf('MNP-EGRESS-CIDR', egress, `${POLICY.slice(0, -2)}, MNP-EGRESS-CIDR: { approvedCidrs: [0.0.0.0/0] } }`), [])
  t.match(violationsOf('MNP-WORLD-CIDR', multiNetworkPolicy(ingressFrom(ipBlock('10.0.0.0/7'))), 'rules: { MNP-WORLD-CIDR: { action: warn } }'), [{ action: 'warn' }])
})

t.test('policyTypes are read as the implementations read them: case-insensitively', async (t) => {
  const open = { ingress: [{}], egress: [{ to: [ipBlock('0.0.0.0/0')] }] }
  t.same(violationsOf('MNP-EGRESS-CIDR', multiNetworkPolicy({ ...open, policyTypes: ['Ingress', 'egress'] })).map((v) => v.path), ['spec.egress[0].to'],
    'multi-networkpolicy-iptables turns egress on for "egress"; NetworkPolicy would ignore it')
  t.same(violationsOf('MNP-ALLOW-ALL-INGRESS', multiNetworkPolicy({ ...open, policyTypes: ['EGRESS'] })), [], 'an egress-only policy opens no ingress')
  t.same(violationsOf('MNP-ALLOW-ALL-INGRESS', multiNetworkPolicy({ ...open, policyTypes: ['sideways'] })).length, 1, 'no type either reads: the NetworkPolicy defaults, which judge at least as much')
  t.same(asNetworkPolicy(multiNetworkPolicy({ policyTypes: ['ingress', 'Ingress', 7, 'sideways'] })).spec, { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Ingress', 7, 'sideways'] })
  const odd = { ...multiNetworkPolicy({}), spec: 'x' }
  t.equal(asNetworkPolicy(odd), odd, 'a spec that is not an object is left as it is')
})

t.test('a field of the wrong type is reported once, as its NETPOL rule reports it', async (t) => {
  const spec = { policyTypes: ['Ingress', 7], ingress: 'all' }
  const mine = violationsOf('MNP-ALLOW-ALL-INGRESS', multiNetworkPolicy(spec))
  t.same(strip(mine), strip(violationsOf('NETPOL-ALLOW-ALL-INGRESS', networkPolicy(spec))))
  t.same(mine.map((v) => v.path).sort(), ['spec.ingress', 'spec.policyTypes[1]'], 'each wrong type once')
})
