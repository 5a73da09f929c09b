import t from 'tap'
import { derivedFrom, holdersByClaim } from '../../src/engine/cluster.ts'
import type { ClusterView } from '../../src/engine/types.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { ingress, rule, violationsOf } from './rules/ingress/ingress-fixtures.ts'

const named = (name: string, namespace = 'shop'): KubeObject => ({ metadata: { name, namespace } })

t.test('a derived value is built once per list and owner, and again for a new list', async (t) => {
  const first = Object.freeze([named('a'), named('b')])
  const settings = { match: 'host' }
  let builds = 0
  const count = (objects: readonly KubeObject[]): number => { builds++; return objects.length }
  t.equal(derivedFrom(first, settings, count), 2)
  t.equal(derivedFrom(first, settings, count), 2)
  t.equal(builds, 1, 'the same list is not indexed twice')
  t.equal(derivedFrom(first, { match: 'host' }, count), 2)
  t.equal(builds, 2, 'another rule or policy (other settings) is another value')
  t.equal(derivedFrom(Object.freeze([named('a')]), settings, count), 1)
  t.equal(builds, 3, 'a new version of the list is indexed anew')
})

t.test('holders of a claim in list order, each object once per claim', async (t) => {
  const objects = [named('a'), named('b', 'bank'), named('c')]
  const claims: Record<string, string[]> = { a: ['x', 'y', 'x'], b: ['x'], c: [] }
  const index = holdersByClaim(objects, (object) => claims[object.metadata?.name ?? ''] ?? [])
  t.same(index.get('x')?.map((object) => object.metadata?.name), ['a', 'b'])
  t.same(index.get('y')?.map((object) => object.metadata?.name), ['a'])
  t.equal(index.get('z'), undefined)
})

t.test('a rule sees each version of the cache, as informers hand out a new list after every change', async (t) => {
  // Like the informer caches: the same frozen list until something changes, then a new one.
  let ingresses: readonly KubeObject[] = Object.freeze([])
  const cluster: ClusterView = { list: (kind) => kind.kind === 'Ingress' ? ingresses : [] }
  const claim = ingress({ rules: [rule('shop.apps.example.com')] })
  const check = (): string[] => violationsOf('ING-HOST-UNIQUE', claim, '{}', { cluster }).map((violation) => violation.message)

  t.same(check(), [], 'the host is free')
  ingresses = Object.freeze([ingress({ rules: [rule('shop.apps.example.com')] }, { name: 'squatter', namespace: 'bank' })])
  t.match(check(), [/shop\.apps\.example\.com is already used by an Ingress in another namespace/], 'taken once bank holds it')
  ingresses = Object.freeze([])
  t.same(check(), [], 'free again once bank lets it go')
})

t.test('one cached list, two policies: each rule indexes it under its own settings', async (t) => {
  const ingresses = Object.freeze([ingress({ rules: [rule('bank.apps.example.com', '/pay')] }, { name: 'bank', namespace: 'bank' })])
  const cluster: ClusterView = { list: (kind) => kind.kind === 'Ingress' ? ingresses : [] }
  const claim = ingress({ rules: [rule('shop.apps.example.com', '/pay')] })
  t.same(violationsOf('ING-HOST-UNIQUE', claim, '{}', { cluster }), [], 'by host: different hosts')
  t.match(violationsOf('ING-HOST-UNIQUE', claim, 'rules: { ING-HOST-UNIQUE: { match: topPathSegment } }', { cluster }),
    [{ message: /top-level path \/pay is already used by an Ingress in another namespace/ }], 'by top-level path: /pay is taken')
  t.same(violationsOf('ING-HOST-UNIQUE', claim, '{}', { cluster }), [], 'and by host again')
})
