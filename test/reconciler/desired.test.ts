import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { denyPolicyName, desiredMultiNetworkPolicies, desiredNetworkPolicies } from '../../src/engine/isolation.ts'
import { desiredBaseline } from '../../src/reconciler/desired.ts'
import { normalJson, plan } from '../../src/reconciler/plan.ts'
import { DEFAULT_ISOLATION } from '../../src/policy/isolation.ts'
import type { IsolationSettings } from '../../src/engine/rule.ts'

const nad = (name: string | undefined) => ({ apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, namespace: 'shop' } })

t.test('one deny policy per network, named after it, and a hashed name where that would be too long', async (t) => {
  t.same(desiredMultiNetworkPolicies('shop', [nad('a'), nad(undefined), nad('b.net')]).map((policy) => [policy.metadata?.name, policy.metadata?.annotations]), [
    ['netguard-deny-a', { 'k8s.v1.cni.cncf.io/policy-for': 'shop/a' }],
    ['netguard-deny-b.net', { 'k8s.v1.cni.cncf.io/policy-for': 'shop/b.net' }]
  ])
  const long = `${'n'.repeat(120)}.${'m'.repeat(118)}.x`
  const name = denyPolicyName(long)
  t.ok(name.length <= 253 && /^netguard-deny-n+\.m+-[0-9a-f]{8}$/.test(name), name)
  t.not(denyPolicyName(`${long}y`), name, 'two long names stay apart')
  t.equal(denyPolicyName(long), name, 'and are stable')
})

t.test('the baseline mechanism keeps no NetworkPolicies', async (t) => {
  t.equal(desiredNetworkPolicies('shop', DEFAULT_ISOLATION).length, 4)
  t.same(desiredNetworkPolicies('shop', { ...DEFAULT_ISOLATION, mechanism: 'baselineAdminNetworkPolicy' }), [])
})

t.test('the baseline is made from the isolation policies\' ingress; what it cannot say is listed', async (t) => {
  const isolation: IsolationSettings = {
    ...DEFAULT_ISOLATION,
    networkPolicies: [
      { name: 'deny', labels: {}, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
      {
        name: 'allow-mixed',
        labels: {},
        spec: {
          podSelector: {},
          ingress: [
            { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'probe' } } }, { ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 8080 }, { protocol: 'UDP', port: 5000, endPort: 5010 }, { port: 'metrics' }, { protocol: 'SCTP' }] },
            {}
          ]
        }
      },
      { name: 'web-only', labels: {}, spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] } },
      { name: 'dns', labels: {}, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }] } }
    ]
  }
  const { object, untranslated } = desiredBaseline(isolation, ['b', 'a', 'a'])
  t.same(object.spec, {
    subject: { namespaces: { matchLabels: { 'netguard.io/isolation': 'default-deny' }, matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['a', 'b'] }] } },
    ingress: [
      {
        name: 'allow-mixed-0',
        action: 'Allow',
        from: [{ pods: { namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'probe' } } } }],
        ports: [
          { portNumber: { protocol: 'TCP', port: 8080 } },
          { portRange: { protocol: 'UDP', start: 5000, end: 5010 } },
          { namedPort: 'metrics' },
          { portRange: { protocol: 'SCTP', start: 1, end: 65535 } }
        ]
      },
      { name: 'allow-mixed-1', action: 'Allow', from: [{ namespaces: {} }] },
      { name: 'netguard-deny-by-default', action: 'Deny', from: [{ namespaces: {} }] }
    ]
  })
  t.same(untranslated, ['allow-mixed: ingress[0].from[1] (an ipBlock)', 'web-only: it selects some pods only', 'dns: egress'])
  t.same(desiredBaseline({ ...isolation, networkPolicies: [isolation.networkPolicies[3] as IsolationSettings['networkPolicies'][number]] }, []).object.spec, {
    subject: { namespaces: { matchLabels: { 'netguard.io/isolation': 'default-deny' } } },
    ingress: []
  }, 'egress-only isolation denies no ingress, and no exempt namespace means no expression')
})

t.test('more rules than a policy holds are cut, and said', async (t) => {
  const many = Array.from({ length: 120 }, (_, index) => ({ name: `p${index}`, labels: {}, spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { n: String(index) } } }] }] } }))
  const { object, untranslated } = desiredBaseline({ ...DEFAULT_ISOLATION, networkPolicies: many }, [])
  t.equal((object.spec as { ingress: unknown[] }).ingress.length, 100)
  t.same(untranslated, ['21 ingress rules beyond the 100 a policy may hold'])
})

t.test('plan owns the annotations it sets, and leaves the others', async (t) => {
  const [wanted] = desiredMultiNetworkPolicies('shop', [nad('a')])
  const found = { ...wanted, metadata: { ...wanted?.metadata, resourceVersion: '7', annotations: { 'k8s.v1.cni.cncf.io/policy-for': 'shop/b', note: 'mine' } } }
  t.match(plan(wanted === undefined ? [] : [wanted], [found]), [{
    type: 'update',
    drift: ['annotation k8s.v1.cni.cncf.io/policy-for'],
    object: { metadata: { resourceVersion: '7', annotations: { 'k8s.v1.cni.cncf.io/policy-for': 'shop/a', note: 'mine' } } }
  }])
  t.same(plan(wanted === undefined ? [] : [wanted], [{ ...found, metadata: { ...found.metadata, annotations: { 'k8s.v1.cni.cncf.io/policy-for': 'shop/a', note: 'mine' } } }]), [])
})

t.test('normalJson: key order does not count, array order and empty selectors do', async (t) => {
  t.same(normalJson({ b: [{ y: 1, x: 2 }], a: undefined, c: {} }), { b: [{ x: 2, y: 1 }], c: {} })
  t.not(JSON.stringify(normalJson({ from: [{ namespaces: {} }] })), JSON.stringify(normalJson({ from: [{ pods: {} }] })))
  t.not(JSON.stringify(normalJson([1, 2])), JSON.stringify(normalJson([2, 1])))
})

t.test('examples/isolation/ shows what the reconciler writes under the default isolation', async (t) => {
  const example = (file: string): unknown => parse(readFileSync(new URL(`../../examples/isolation/${file}`, import.meta.url), 'utf8'))
  t.same(example('baseline-admin-network-policy.yaml'), desiredBaseline(DEFAULT_ISOLATION, []).object)
  t.same(example('secondary-network-deny.yaml'), desiredMultiNetworkPolicies('shop', [nad('storage-net')])[0])
})
