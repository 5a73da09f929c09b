import t from 'tap'
import { desiredMultiNetworkPolicies, desiredNetworkPolicies } from '../../src/engine/isolation.ts'
import { review } from '../../src/engine/review.ts'
import type { Operation } from '../../src/engine/types.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { contextFor, policyWith } from '../helpers/policy.ts'

// The review tells netguard's own default isolation from a tenant's object by what the object
// is, not by who sends it (audit has no sender): the managed-by label is not enough, the whole
// object must be what netguard writes in that namespace.

const policy = policyWith()
const [denyByDefault, sameNamespace] = desiredNetworkPolicies('shop', policy.shared.isolation) as [KubeObject, KubeObject]
const [storageDeny] = desiredMultiNetworkPolicies('shop', [{ metadata: { name: 'storage-net' } }]) as [KubeObject]

/** The validating review of `object` as the tenant alice would send it. */
function reviewed (object: KubeObject | undefined, options: { operation?: Operation, oldObject?: KubeObject, policy?: typeof policy } = {}) {
  const target = object ?? options.oldObject as KubeObject
  return review({ ...contextFor(target, { operation: options.operation, oldObject: options.oldObject, username: 'alice' }), object }, options.policy ?? policy, 'validate')
}
const denials = (object: KubeObject | undefined, options: Parameters<typeof reviewed>[1] = {}) =>
  reviewed(object, options).decision.violations.filter((violation) => violation.action === 'deny').map((violation) => violation.ruleId)
const withMetadata = (object: KubeObject, metadata: Record<string, unknown>): KubeObject => ({ ...object, metadata: { ...object.metadata, ...metadata } })

t.test('netguard\'s own objects, as it writes them and as the API server keeps them, are exempt from every rule', async (t) => {
  for (const object of [...desiredNetworkPolicies('shop', policy.shared.isolation), storageDeny]) {
    const { decision, exemption, rules } = reviewed(object)
    t.equal(exemption, 'managed', `${object.kind} ${object.metadata?.name}`)
    t.equal(decision.allowed, true)
    t.ok(rules.length > 0 && rules.every((result) => result.status === 'skip' && result.exemptBy === 'managed'), 'no rule runs')
  }
  const stored = withMetadata({ ...sameNamespace, spec: { ingress: [{ from: [{ podSelector: {} }] }], policyTypes: ['Ingress'], podSelector: {} } }, {
    uid: 'u1', resourceVersion: '7', generation: 1, creationTimestamp: '2026-12-01T00:00:00Z', managedFields: [{ manager: 'netguard', operation: 'Update' }]
  })
  t.equal(reviewed(stored).exemption, 'managed', 'fields the API server keeps and key order do not count')
  const ports = policyWith(`isolation:
  networkPolicies:
    - name: allow-dns
      labels: { team: platform }
      spec: { podSelector: {}, policyTypes: [Egress], egress: [{ ports: [{ port: 53 }] }] }`)
  const [dns] = desiredNetworkPolicies('shop', ports.shared.isolation) as [KubeObject]
  t.equal(reviewed({ ...dns, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'TCP', port: 53 }] }] } }, { policy: ports }).exemption, 'managed',
    'the defaults the API server fills in (protocol) do not count; the policy\'s extra labels are netguard\'s')
  t.equal(reviewed(dns).exemption, undefined, 'a policy the default isolation does not hold is judged')
  t.same(denials(dns), ['NETPOL-MANAGED'])
})

t.test('a tenant\'s object that only claims to be netguard\'s is still judged, and denied', async (t) => {
  const own = withMetadata({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', spec: { podSelector: {}, ingress: [{}] } }, { name: 'open', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'netguard' } })
  const fakes: Record<string, KubeObject> = {
    'the label on a policy of its own': own,
    'a managed name with a rule added': { ...sameNamespace, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }, {}] } },
    'a managed name with another managed spec': { ...sameNamespace, spec: denyByDefault.spec },
    'a managed spec under another name': withMetadata(sameNamespace, { name: 'allow-same-namespace' }),
    'a label of its own added': withMetadata(sameNamespace, { labels: { ...sameNamespace.metadata?.labels, team: 'shop' } }),
    'an annotation added': withMetadata(sameNamespace, { annotations: { note: 'mine' } }),
    'an owner, for the garbage collector to delete it with': withMetadata(sameNamespace, { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'mine', uid: 'u1' }] }),
    'a finalizer': withMetadata(sameNamespace, { finalizers: ['example.com/hold'] }),
    'a label that is not a string': withMetadata(sameNamespace, { labels: { ...sameNamespace.metadata?.labels, team: 7 } }),
    'a spec of the wrong shape': { ...sameNamespace, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: 'everything' } },
    'an apiVersion of another group': { ...sameNamespace, apiVersion: 'example.com/v1' },
    'no namespace of its own': withMetadata(sameNamespace, { namespace: undefined }),
    'no name': withMetadata(sameNamespace, { name: undefined })
  }
  for (const [what, object] of Object.entries(fakes)) {
    const { exemption, decision } = reviewed(object)
    t.not(exemption, 'managed', what)
    if (object.apiVersion === 'networking.k8s.io/v1') t.ok(decision.violations.some((violation) => violation.ruleId === 'NETPOL-MANAGED' && violation.action === 'deny'), `${what}: NETPOL-MANAGED denies`)
  }
  const mnpFakes: Record<string, KubeObject> = {
    'another namespace\'s network': withMetadata(storageDeny, { annotations: { 'k8s.v1.cni.cncf.io/policy-for': 'bank/storage-net' } }),
    'two networks': withMetadata(storageDeny, { annotations: { 'k8s.v1.cni.cncf.io/policy-for': 'shop/storage-net,shop/other-net' } }),
    'no network': withMetadata(storageDeny, { annotations: {} }),
    'an empty network': withMetadata(storageDeny, { name: 'netguard-deny-', annotations: { 'k8s.v1.cni.cncf.io/policy-for': 'shop/' } }),
    'an annotation that is not a string': withMetadata(storageDeny, { annotations: { ...storageDeny.metadata?.annotations, note: true } }),
    'a name that is not the network\'s': withMetadata(storageDeny, { name: 'netguard-deny-other-net' }),
    'an opened spec': { ...storageDeny, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] } }
  }
  for (const [what, object] of Object.entries(mnpFakes)) {
    t.ok(denials(object).includes('MNP-MANAGED'), `${what}: MNP-MANAGED denies`)
  }
})

t.test('recognising netguard\'s object gives a tenant no way around NETPOL-MANAGED on update or delete', async (t) => {
  t.same(denials(undefined, { operation: 'DELETE', oldObject: sameNamespace }), ['NETPOL-MANAGED'], 'deleting it')
  t.same(denials(undefined, { operation: 'DELETE', oldObject: storageDeny }), ['MNP-MANAGED'])
  t.same(denials(sameNamespace, { operation: 'DELETE', oldObject: sameNamespace }), ['NETPOL-MANAGED'], 'a DELETE makes nothing, whatever object it carries')
  const opened = { ...sameNamespace, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] } }
  t.same(denials(opened, { operation: 'UPDATE', oldObject: sameNamespace }), ['NETPOL-ALLOW-ALL-INGRESS', 'NETPOL-MANAGED'], 'changing it')
  const unlabelled = withMetadata(sameNamespace, { labels: {} })
  t.same(denials(unlabelled, { operation: 'UPDATE', oldObject: sameNamespace }), ['NETPOL-MANAGED'], 'unlabelling it')
  t.equal(reviewed(sameNamespace, { operation: 'UPDATE', oldObject: opened }).exemption, 'managed', 'putting it back as netguard writes it (what the reconciler does) is no bypass')
})
