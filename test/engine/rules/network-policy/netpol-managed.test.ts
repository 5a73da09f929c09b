import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import type { ContextOptions } from '../../../helpers/policy.ts'
import { networkPolicy, violationsOf } from './netpol.ts'

const LABELS = { 'app.kubernetes.io/managed-by': 'netguard' }
const managed = (spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) =>
  networkPolicy({ podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }], ...spec }, { name: 'allow-same-namespace', labels: LABELS, ...metadata })
const found = (object: KubeObject, options: ContextOptions, policy = '{}') => violationsOf('NETPOL-MANAGED', object, policy, options)
const update = (before: KubeObject, after: KubeObject, options: ContextOptions = {}) => found(after, { operation: 'UPDATE', oldObject: before, ...options })
const POLICY_EXEMPTING_ADMINS = 'exemptions: { namespaces: [], users: ["admin"], groups: ["platform-admins"] }'

t.test('deleting a managed policy is denied', async (t) => {
  const object = managed()
  t.same(found(object, { operation: 'DELETE', oldObject: object }), [{
    ruleId: 'NETPOL-MANAGED',
    action: 'deny',
    path: 'metadata.labels["app.kubernetes.io/managed-by"]',
    message: 'NetworkPolicy allow-same-namespace is managed by netguard and cannot be deleted',
    fix: 'add a NetworkPolicy of your own instead, or ask a cluster admin'
  }])
})

t.test('changing the rules of a managed policy is denied', async (t) => {
  const changed = managed({ ingress: [{}] })
  t.match(update(managed(), changed), [{ path: 'spec', message: 'NetworkPolicy allow-same-namespace is managed by netguard; spec cannot be changed' }])
})

t.test('removing or changing the label is denied, so a tenant cannot unlabel, then edit', async (t) => {
  const unlabelled = managed({}, { labels: { team: 'a' } })
  t.match(update(managed(), unlabelled), [{ message: 'removing metadata.labels["app.kubernetes.io/managed-by"] from NetworkPolicy allow-same-namespace is not allowed: netguard manages it' }])
  t.equal(update(managed(), managed({}, { labels: { 'app.kubernetes.io/managed-by': 'helm' } })).length, 1)
  t.equal(update(managed(), managed({}, { labels: {} })).length, 1)
})

t.test('metadata that decides the policy\'s fate is protected too', async (t) => {
  const owned = managed({}, { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'mine', uid: 'u1' }] })
  t.match(update(managed(), owned), [{ path: 'metadata.ownerReferences' }], 'an owner reference would let the garbage collector delete it')
  t.match(update(managed(), managed({}, { finalizers: ['example.com/hold'] })), [{ path: 'metadata.finalizers' }])
  t.match(update(managed(), managed({}, { annotations: { note: 'x' } })), [{ path: 'metadata.annotations' }])
  t.match(update(managed(), managed({ ingress: [{}] }, { labels: { ...LABELS, extra: 'y' } })), [{
    path: 'spec',
    message: 'NetworkPolicy allow-same-namespace is managed by netguard; spec, metadata.labels cannot be changed'
  }])
})

t.test('updates that change nothing a user controls pass', async (t) => {
  const before = managed({}, { resourceVersion: '1', annotations: {} })
  const after = { ...managed({}, { resourceVersion: '2', managedFields: [{ manager: 'kubectl' }] }), status: {} }
  t.same(update(before, after), [], 'server-kept fields, and absent versus empty')
  const reordered = managed({ ingress: [{ from: [{ podSelector: {} }] }], podSelector: {} })
  t.same(update(managed(), reordered), [], 'key order does not matter')
  t.same(update(managed({ ingress: [] }), managed({ ingress: undefined })), [], 'an empty list equals an absent one')
  t.equal(update(managed({ ingress: [{ ports: [] }] }), managed({ ingress: [{ ports: [{ port: 1 }] }] })).length, 1)
})

t.test('creating a policy that claims the label is denied, on create and on update', async (t) => {
  const claim = 'metadata.labels["app.kubernetes.io/managed-by"] "netguard" is reserved for the policies netguard creates'
  t.match(found(managed(), { operation: 'CREATE' }), [{ message: claim, fix: 'remove the label app.kubernetes.io/managed-by' }])
  t.match(update(networkPolicy({}), managed()), [{ message: claim }])
  t.match(found(managed(), { operation: 'UPDATE' }), [{ message: claim }], 'an update without the old object is judged as a claim')
})

t.test('unmanaged policies are anyone\'s', async (t) => {
  const mine = networkPolicy({ ingress: [{ from: [{ podSelector: {} }] }] }, { labels: { 'app.kubernetes.io/managed-by': 'helm' } })
  t.same(found(mine, { operation: 'CREATE' }), [])
  t.same(update(mine, networkPolicy({})), [])
  t.same(found(mine, { operation: 'DELETE', oldObject: mine }), [])
})

t.test('exempt users and groups, and netguard itself, may do all of it', async (t) => {
  const object = managed()
  t.same(found(object, { operation: 'DELETE', oldObject: object, username: 'admin' }, POLICY_EXEMPTING_ADMINS), [])
  t.same(found(object, { operation: 'DELETE', oldObject: object, groups: ['platform-admins'] }, POLICY_EXEMPTING_ADMINS), [])
  t.same(update(object, managed({ ingress: [{}] }), { username: 'system:serviceaccount:netguard:reconciler' }), [])
  t.same(found(object, { operation: 'CREATE', username: 'system:serviceaccount:netguard:reconciler' }), [])
  t.equal(found(object, { operation: 'DELETE', oldObject: object, username: 'alice' }, POLICY_EXEMPTING_ADMINS).length, 1)
})

t.test('an exception can waive it in a namespace', async (t) => {
  const object = managed()
  const policy = 'exceptions: [{ name: migrate, rules: [NETPOL-MANAGED], namespaces: [shop], reason: "move to new defaults" }]'
  t.same(found(object, { operation: 'DELETE', oldObject: object }, policy), [])
})
