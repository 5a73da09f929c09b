import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { contextFor, evaluate, policyWith } from '../../../helpers/policy.ts'
import { EDGE, route, violationsOf } from './route-fixtures.ts'

const existing = (name: string, namespace: string, spec: Record<string, unknown>) => route({ tls: EDGE, ...spec }, { name, namespace })
const CLUSTER = [
  existing('front', 'bank', { host: 'www.bank.example.com', path: '/' }),
  existing('wild', 'bank', { host: 'wildcard.wild.example.com', wildcardPolicy: 'Subdomain' }),
  existing('api', 'shop', { host: 'api.shop.example.com', path: '/v1' }),
  existing('generated', 'bank', {})
]
const check = (spec: Record<string, unknown>, policy?: string, options: { name?: string, cluster?: readonly KubeObject[], operation?: 'UPDATE' } = {}) => {
  const object = route({ tls: EDGE, ...spec }, options.name === undefined ? {} : { name: options.name })
  return violationsOf('ROUTE-HOST-OWNERSHIP', object, policy, {
    cluster: clusterWith(options.cluster ?? CLUSTER),
    ...(options.operation === undefined ? {} : { operation: options.operation, oldObject: object })
  })
}

t.test('a host held by another namespace is denied, whatever the path, without naming the holder', async (t) => {
  for (const path of ['/', '/other', undefined]) {
    t.match(check({ host: 'WWW.bank.example.com', path }), [{
      ruleId: 'ROUTE-HOST-OWNERSHIP',
      action: 'deny',
      path: 'spec.host',
      message: 'spec.host www.bank.example.com: the host is already claimed by a Route in another namespace',
      fix: 'use another host, or ask the owner of the host to release it',
      detail: /^held by Route \S+\/\S+$/
    }], String(path))
  }
})

t.test('another namespace\'s wildcard blocks hosts next to it; a wildcard is blocked by hosts of other namespaces', async (t) => {
  t.match(check({ host: 'shop.wild.example.com' }), [{ message: 'spec.host shop.wild.example.com: the wildcard *.wild.example.com is already claimed by a Route in another namespace' }])
  t.same(check({ host: 'a.shop.wild.example.com' }), [], 'two labels down is another domain')
  t.match(check({ host: 'new.bank.example.com', wildcardPolicy: 'Subdomain' }), [{ message: 'spec.host new.bank.example.com: the host www.bank.example.com under *.bank.example.com is already claimed by a Route in another namespace' }])
})

t.test('free hosts pass; generated hosts are never compared', async (t) => {
  t.same(check({ host: 'www.shop.example.com' }), [])
  t.same(check({}), [])
})

t.test('in the same namespace only the same host and path conflicts, by default', async (t) => {
  t.match(check({ host: 'api.shop.example.com', path: '/v1' }), [{ message: 'spec.host api.shop.example.com: the host and path /v1 is already claimed by Route api in this namespace', fix: 'use another host or path, or change the existing Route' }])
  t.same(check({ host: 'api.shop.example.com', path: '/v2' }), [])
  t.same(check({ host: 'b.shop.example.com', path: '/v1' }), [])
  t.same(check({ host: 'x.shop.example.com', wildcardPolicy: 'Subdomain' }), [], 'a wildcard next to a host of its own namespace')
  const ownWildcard = [existing('w', 'shop', { host: 'w.shop.example.com', wildcardPolicy: 'Subdomain' })]
  t.match(check({ host: 'v.shop.example.com', wildcardPolicy: 'Subdomain' }, '{}', { cluster: ownWildcard }), [{ message: /the wildcard \*.shop.example.com and path \/ is already claimed by Route w/ }])
  t.match(check({ host: 'api.shop.example.com', path: '/v2' }, 'rules: { ROUTE-HOST-OWNERSHIP: { sameNamespace: sameHost } }'), [{ message: /the host is already claimed by Route api/ }])
  t.same(check({ host: 'api.shop.example.com', path: '/v1' }, 'rules: { ROUTE-HOST-OWNERSHIP: { sameNamespace: none } }'), [])
})

t.test('InterNamespaceAllowed shares a host across namespaces on different paths', async (t) => {
  const policy = 'rules: { ROUTE-HOST-OWNERSHIP: { namespaceOwnership: InterNamespaceAllowed } }'
  t.same(check({ host: 'www.bank.example.com', path: '/shop' }, policy), [])
  t.same(check({ host: 'shop.wild.example.com' }, policy), [])
  t.match(check({ host: 'www.bank.example.com', path: '/' }, policy), [{ message: /the host and path \/ is already claimed by a Route in another namespace/ }])
})

t.test('an UPDATE does not conflict with its own earlier version', async (t) => {
  t.same(check({ host: 'api.shop.example.com', path: '/v1' }, '{}', { name: 'api', operation: 'UPDATE' }), [])
  const unnamed = { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: {}, spec: { host: 'api.shop.example.com', path: '/v1' } }
  const context = { ...contextFor(unnamed, { namespace: 'shop', cluster: clusterWith(CLUSTER), operation: 'UPDATE', oldObject: unnamed }), name: 'api' }
  t.same(evaluate(unnamed, context, policyWith()).filter((v) => v.ruleId === 'ROUTE-HOST-OWNERSHIP'), [], 'name and namespace from the request')
})

t.test('unknown cluster state warns by default, or denies', async (t) => {
  const unknown = clusterWith([], [{ group: 'route.openshift.io', kind: 'Route' }])
  const object = route({ host: 'www.example.com', tls: EDGE })
  t.match(violationsOf('ROUTE-HOST-OWNERSHIP', object, '{}', { cluster: unknown }), [{ action: 'warn', message: 'existing Route objects are not known yet, so this could not be checked' }])
  t.match(violationsOf('ROUTE-HOST-OWNERSHIP', object, 'rules: { ROUTE-HOST-OWNERSHIP: { whenUnknown: deny } }'), [{ action: 'deny' }], 'no cluster view at all')
})
