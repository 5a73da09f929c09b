import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { ingress, rule, violationsOf } from './ingress-fixtures.ts'

const CLUSTER = [
  ingress({ rules: [rule('example-host.example.com')] }, { name: 'taken', namespace: 'bank' }),
  ingress({ rules: [rule('foo', '/foo'), rule('bar', '/bar')] }, { name: 'ingress01', namespace: 'paths' }),
  ingress({ rules: [rule('foo', '/xyz'), rule('bar', '/fed')] }, { name: 'ingress02', namespace: 'shop' }),
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'broken', namespace: 'bank' }, spec: 'x' }
]
const check = (object: KubeObject, policy?: string, options: { cluster?: readonly KubeObject[], operation?: 'UPDATE' } = {}) =>
  violationsOf('ING-HOST-UNIQUE', object, policy, {
    cluster: clusterWith(options.cluster ?? CLUSTER),
    ...(options.operation === undefined ? {} : { operation: options.operation, oldObject: object })
  })

t.test('a host used by an Ingress in another namespace is denied without naming it', async (t) => {
  t.match(check(ingress({ rules: [rule('Example-Host.example.com.')] })), [{
    ruleId: 'ING-HOST-UNIQUE',
    action: 'deny',
    path: 'spec.rules[0].host',
    message: 'spec.rules[0].host: the host example-host.example.com is already used by an Ingress in another namespace',
    fix: 'use another host or path, or change the existing Ingress',
    detail: /^held by Ingress \S+\/\S+$/
  }])
  t.same(check(ingress({ rules: [rule('example-allowed-host.example.com'), rule('example-allowed-host1.example.com')] })), [])
  t.same(check(ingress({ rules: [rule(undefined)] })), [], 'no host, no claim')
})

t.test('same-namespace Ingresses count only with scope allNamespaces', async (t) => {
  const object = ingress({ rules: [rule('foo')] }, { name: 'other' })
  t.match(check(object), [{ message: /another namespace/ }], 'foo is also held in namespace paths')
  const own = [ingress({ rules: [rule('mine.example.com')] }, { name: 'first' })]
  t.same(check(ingress({ rules: [rule('mine.example.com')] }), '{}', { cluster: own }), [])
  t.match(check(ingress({ rules: [rule('mine.example.com')] }), 'rules: { ING-HOST-UNIQUE: { scope: allNamespaces } }', { cluster: own }), [{
    message: 'spec.rules[0].host: the host mine.example.com is already used by Ingress first in this namespace'
  }])
})

t.test('an UPDATE does not conflict with its own earlier version', async (t) => {
  const own = [ingress({ rules: [rule('mine.example.com')] })]
  t.same(check(ingress({ rules: [rule('mine.example.com')] }), 'rules: { ING-HOST-UNIQUE: { scope: allNamespaces } }', { cluster: own, operation: 'UPDATE' }), [])
})

t.test('host and path (unique-ingress-host-and-path)', async (t) => {
  const policy = 'rules: { ING-HOST-UNIQUE: { match: hostAndPath, scope: allNamespaces } }'
  t.same(check(ingress({ rules: [rule('foo', '/bar', '/cat')] }), policy), [])
  t.match(check(ingress({ rules: [rule('foo', '/bar', '/foo')] }), policy), [{
    path: 'spec.rules[0].http.paths[1].path',
    message: 'spec.rules[0].http.paths[1].path: the host and path foo/foo is already used by an Ingress in another namespace'
  }])
  t.same(check(ingress({ rules: [{ host: 'foo', http: { paths: [{ backend: {} }] } }] }), policy), [], 'an empty path is /')
})

t.test('top-level path segments owned by a namespace (unique-ingress-paths)', async (t) => {
  const policy = 'rules: { ING-HOST-UNIQUE: { match: topPathSegment, allowWhenNamespaceHolds: true } }'
  t.match(check(ingress({ rules: [rule('endpoint01', '/foo/abc/def', '/bar/def/bca')] }), policy), [
    { path: 'spec.rules[0].http.paths[0].path', message: 'spec.rules[0].http.paths[0].path: the top-level path /foo is already used by an Ingress in another namespace' },
    { path: 'spec.rules[0].http.paths[1].path' }
  ])
  t.same(check(ingress({ rules: [rule('endpoint01', '/foo/abc/def', '/bar/def/bca')] }, { namespace: 'paths' }), policy), [], 'the namespace holds them itself')
  t.same(check(ingress({ rules: [rule('endpoint01', '/xyz/def')] }), policy), [], 'held by this namespace')
  t.match(check(ingress({ rules: [rule('endpoint01', '/xyz/def')] }, { namespace: 'paths' }), policy), [{ message: /top-level path \/xyz/ }])
})

t.test('unknown cluster state warns by default', async (t) => {
  const unknown = clusterWith([], [{ group: 'networking.k8s.io', kind: 'Ingress' }])
  t.match(violationsOf('ING-HOST-UNIQUE', ingress({ rules: [rule('a.example.com')] }), '{}', { cluster: unknown }), [{ action: 'warn', message: 'existing Ingress objects are not known yet, so this could not be checked' }])
  t.match(violationsOf('ING-HOST-UNIQUE', ingress({ rules: [rule('a.example.com')] }, {}, 'extensions/v1beta1'), 'rules: { ING-HOST-UNIQUE: { whenUnknown: deny } }'), [{ action: 'deny' }])
})
