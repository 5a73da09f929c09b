import t from 'tap'
import { staticClusterView } from '../../../../src/cluster/static-view.ts'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { contextFor, evaluate, policyWith } from '../../../helpers/policy.ts'

const HOSTNAME = 'external-dns.alpha.kubernetes.io/hostname'
const service = (name: string, annotations: Record<string, unknown> | undefined, namespace = 'shop'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, annotations }, spec: { type: 'LoadBalancer' } }) as KubeObject
const existing = [
  service('www', { [HOSTNAME]: 'www.example.com' }, 'web'),
  service('api', { [HOSTNAME]: 'api.example.com., API2.example.com' }, 'api'),
  service('plain', undefined, 'api')
]
const found = (object: KubeObject, spec = '{}', cluster = staticClusterView(existing)) =>
  evaluate(object, contextFor(object, { cluster }), policyWith(spec)).filter((v) => v.ruleId === 'SVC-EXTERNAL-DNS-UNIQUE')

t.test('a name another Service claims, in any namespace, is denied: the tenant learns it is taken, the admin by whom', async (t) => {
  t.same(found(service('mine', { [HOSTNAME]: 'www.example.com' })), [{
    ruleId: 'SVC-EXTERNAL-DNS-UNIQUE',
    action: 'deny',
    path: `metadata.annotations["${HOSTNAME}"]`,
    message: `metadata.annotations["${HOSTNAME}"] www.example.com is already claimed by a Service in another namespace`,
    fix: 'use a DNS name of your own, or ask a cluster admin who holds it',
    detail: 'held by Service web/www'
  }])
  t.match(found(service('mine', { [HOSTNAME]: 'www.example.com' }, 'web')), [{ message: /already claimed by Service www in this namespace$/ }], 'its own namespace\'s Service is named')
})

t.test('names are comma-separated, case-insensitive and without trailing dot; each clash is reported once', async (t) => {
  const violations = found(service('mine', { [HOSTNAME]: 'API.example.com, new.example.com,api2.example.com.,api.example.com' }))
  t.same(violations.map((v) => v.message.replace(/^\S+ /, '')), [
    'api.example.com is already claimed by a Service in another namespace',
    'api2.example.com is already claimed by a Service in another namespace'
  ])
})

t.test('new names, no annotation and the object itself pass', async (t) => {
  t.same(found(service('mine', { [HOSTNAME]: 'new.example.com' })), [])
  t.same(found(service('mine', undefined)), [])
  t.match(found(service('mine', { [HOSTNAME]: 42 })), [{ message: `metadata.annotations["${HOSTNAME}"] is the number 42; expected a string` }])
  t.same(found(service('www', { [HOSTNAME]: 'www.example.com' }, 'web')), [], 'an update of the owner')
})

t.test('other annotations can be configured', async (t) => {
  const internal = 'external-dns.alpha.kubernetes.io/internal-hostname'
  const cluster = staticClusterView([service('int', { [internal]: 'db.internal' }, 'db')])
  const spec = `rules: { SVC-EXTERNAL-DNS-UNIQUE: { annotations: ["${HOSTNAME}", "${internal}"] } }`
  t.match(found(service('mine', { [HOSTNAME]: 'db.internal' }), spec, cluster), [{ message: /db\.internal is already claimed by a Service in another namespace/, detail: 'held by Service db/int' }])
  t.same(found(service('mine', { [HOSTNAME]: 'db.internal' }), '{}', cluster), [])
})

t.test('unknown cluster state warns', async (t) => {
  const object = service('mine', { [HOSTNAME]: 'www.example.com' })
  t.match(evaluate(object, contextFor(object), policyWith()).filter((v) => v.ruleId === 'SVC-EXTERNAL-DNS-UNIQUE'), [{ action: 'warn' }])
})
