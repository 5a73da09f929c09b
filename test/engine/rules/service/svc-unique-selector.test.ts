import t from 'tap'
import { staticClusterView } from '../../../../src/cluster/static-view.ts'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { contextFor, evaluate, policyWith } from '../../../helpers/policy.ts'

const service = (name: string, selector: unknown, namespace = 'shop'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: [{ port: 80 }] } })
const IDENTICAL = 'rules: { SVC-UNIQUE-SELECTOR: { action: deny } }'
const CONTAINS = 'rules: { SVC-UNIQUE-SELECTOR: { action: deny, match: contains } }'
const existing = [service('web', { app: 'web' }), service('api', { app: 'api', tier: 'backend' }), service('other-ns', { app: 'db' }, 'bank')]
const found = (object: KubeObject, spec: string, cluster = staticClusterView(existing), operation: 'CREATE' | 'UPDATE' = 'CREATE') =>
  evaluate(object, contextFor(object, { cluster, operation }), policyWith(spec)).filter((v) => v.ruleId === 'SVC-UNIQUE-SELECTOR')

t.test('off by default', async (t) => {
  t.same(found(service('copy', { app: 'web' }), '{}'), [])
})

t.test('an identical selector in the namespace is denied, naming the other Service', async (t) => {
  t.match(found(service('copy', { app: 'web' }), IDENTICAL), [{
    action: 'deny',
    path: 'spec.selector',
    message: 'spec.selector {app: web} is the same as the selector {app: web} of Service web',
    fix: /existing Service/
  }])
  t.same(found(service('copy', { app: 'api' }), IDENTICAL), [], 'a subset is not identical')
  t.same(found(service('copy', { app: 'web', tier: 'x' }), IDENTICAL), [], 'a superset is not identical')
})

t.test('contains: an existing selector inside the new one is denied too', async (t) => {
  t.match(found(service('narrow', { app: 'web', tier: 'x' }), CONTAINS), [{ message: 'spec.selector {app: web, tier: x} contains the selector {app: web} of Service web' }])
  t.same(found(service('wide', { app: 'api' }), CONTAINS), [], 'a wider selector is not contained')
})

t.test('other namespaces, no selector and the object itself do not count', async (t) => {
  t.same(found(service('copy', { app: 'db' }), IDENTICAL), [])
  t.same(found(service('external', undefined), IDENTICAL), [])
  t.same(found(service('empty', {}), IDENTICAL), [])
  t.match(found(service('weird', ['app']), IDENTICAL), [{ path: 'spec.selector', message: 'spec.selector is a list; expected an object' }])
  t.same(found(service('web', { app: 'web' }), IDENTICAL, staticClusterView(existing), 'UPDATE'), [], 'an UPDATE does not clash with itself')
})

t.test('unknown cluster state warns by default, denies when told to', async (t) => {
  const object = service('copy', { app: 'web' })
  const unknown = evaluate(object, contextFor(object), policyWith(IDENTICAL)).filter((v) => v.ruleId === 'SVC-UNIQUE-SELECTOR')
  t.match(unknown, [{ action: 'warn', message: 'existing Service objects are not known (no cluster state was given), so this could not be checked' }])
  const strict = evaluate(object, contextFor(object), policyWith('rules: { SVC-UNIQUE-SELECTOR: { action: deny, whenUnknown: deny } }'))
  t.match(strict, [{ ruleId: 'SVC-UNIQUE-SELECTOR', action: 'deny' }])
})
