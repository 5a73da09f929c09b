import t from 'tap'
import { staticClusterView } from '../../../../src/cluster/static-view.ts'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { violations } from '../network-attachment/helpers.ts'
import { workload, WORKLOAD_KINDS } from './helpers.ts'

const ON = 'rules: { POD-NETPOL-REQUIRED: { action: deny } }'
const netpol = (name: string, podSelector: unknown, namespace = 'payments'): KubeObject =>
  ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: { podSelector, policyTypes: ['Ingress'] } })
const pods = (labels?: Record<string, string>) => ({ metadata: labels === undefined ? {} : { labels }, spec: { containers: [{ name: 'app' }] } })
const cluster = (...objects: KubeObject[]) => staticClusterView(objects)
const found = (object: KubeObject, state: ReturnType<typeof cluster> | undefined, spec = ON, options = {}) =>
  violations('POD-NETPOL-REQUIRED', object, spec, { cluster: state, ...options })

const policies = cluster(
  netpol('web', { matchLabels: { app: 'web' } }),
  netpol('batch', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['batch', 'cron'] }] }),
  netpol('elsewhere', { matchLabels: { app: 'db' } }, 'other')
)

t.test('off by default', async (t) => {
  t.same(found(workload('Deployment', pods({ app: 'api' })), cluster(), '{}'), [])
})

t.test('a workload whose pods no policy in the namespace selects is denied, in every kind', async (t) => {
  for (const { kind, prefix } of WORKLOAD_KINDS) {
    t.match(found(workload(kind, pods({ app: 'db' })), policies), [{
      ruleId: 'POD-NETPOL-REQUIRED',
      action: 'deny',
      path: `${prefix}metadata.labels`,
      message: `no NetworkPolicy in namespace payments selects these pods (${prefix}metadata.labels {app: db})`,
      fix: 'create a NetworkPolicy whose spec.podSelector matches these labels first'
    }], kind)
  }
  t.match(found(workload('Deployment', pods()), policies), [{ message: /metadata\.labels \{\}\)$/ }], 'no labels at all')
})

t.test('matchLabels (a subset of the pod labels) and matchExpressions select', async (t) => {
  t.same(found(workload('Deployment', pods({ app: 'web', version: 'v2' })), policies), [])
  t.same(found(workload('CronJob', pods({ tier: 'cron' })), policies), [])
  t.equal(found(workload('Deployment', pods({ app: 'webshop' })), policies).length, 1)
})

t.test('an empty podSelector selects every pod, unless ignoreSelectAll', async (t) => {
  const defaults = cluster(netpol('default-deny', {}), netpol('absent', undefined, 'edge'))
  t.same(found(workload('Deployment', pods({ app: 'api' })), defaults), [])
  t.same(found(workload('Deployment', pods({ app: 'api' }), 'edge'), defaults), [], 'an absent podSelector is empty')
  const strict = 'rules: { POD-NETPOL-REQUIRED: { action: deny, ignoreSelectAll: true } }'
  t.equal(found(workload('Deployment', pods({ app: 'api' })), defaults, strict).length, 1)
  t.equal(found(workload('Deployment', pods({ app: 'api' }), 'edge'), defaults, strict).length, 1)
  t.same(found(workload('Deployment', pods({ app: 'web' })), policies, strict), [])
})

t.test('an UPDATE is judged only when the pod labels change', async (t) => {
  const before = workload('Deployment', pods({ app: 'db' }))
  const after = workload('Deployment', { ...pods({ app: 'db' }), spec: { containers: [{ name: 'app', image: 'v2' }] } })
  t.same(found(after, policies, ON, { operation: 'UPDATE', oldObject: before }), [], 'same labels, new image')
  t.equal(found(workload('Deployment', pods({ app: 'db', x: 'y' })), policies, ON, { operation: 'UPDATE', oldObject: before }).length, 1)
  t.same(found(workload('Deployment', pods({ app: 'web' })), policies, ON, { operation: 'UPDATE', oldObject: before }), [])
})

t.test('allowed namespaces, unknown state, kinds without pods', async (t) => {
  t.same(found(workload('Deployment', pods({ app: 'db' })), policies, 'rules: { POD-NETPOL-REQUIRED: { action: deny, allowedNamespaces: ["pay*"] } }'), [])
  t.match(found(workload('Deployment', pods({ app: 'db' })), undefined), [{ action: 'warn', message: /existing NetworkPolicy objects are not known \(no cluster state was given\)/ }])
  t.match(found(workload('Deployment', pods({ app: 'db' })), undefined, 'rules: { POD-NETPOL-REQUIRED: { action: deny, whenUnknown: deny } }'), [{ action: 'deny' }])
  const weird = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'payments' }, spec: { template: { metadata: { labels: ['a'] } } } }
  t.equal(found(weird, policies).length, 1, 'labels that are not a map select nothing')
})
