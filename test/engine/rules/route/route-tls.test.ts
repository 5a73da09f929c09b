import t from 'tap'
import { EDGE, route, violationsOf } from './route-fixtures.ts'

const check = (object: ReturnType<typeof route>, policy?: string, options = {}) => violationsOf('ROUTE-TLS', object, policy, options)

t.test('a Route without spec.tls is denied with the field and the fix', async (t) => {
  t.match(check(route({ host: 'www.example.com' })), [{
    ruleId: 'ROUTE-TLS',
    action: 'deny',
    path: 'spec.tls',
    message: 'spec.tls is missing, so the Route serves plain HTTP in namespace shop',
    fix: 'set spec.tls.termination to edge, reencrypt or passthrough'
  }])
})

t.test('every termination passes', async (t) => {
  for (const termination of ['edge', 'reencrypt', 'passthrough']) t.same(check(route({ tls: { termination } })), [], termination)
})

t.test('spec.tls without a termination, or not an object, is no TLS', async (t) => {
  t.match(check(route({ tls: {} })), [{ path: 'spec.tls.termination', message: 'spec.tls.termination is missing, so the Route has no TLS' }])
  t.match(check(route({ tls: { termination: '' } })), [{ path: 'spec.tls.termination' }])
  t.match(check(route({ tls: 'edge' })), [{ path: 'spec.tls', message: 'spec.tls is the string "edge"; expected an object' }, { path: 'spec.tls', message: /is missing/ }])
  t.match(check(route({ tls: null })), [{ path: 'spec.tls' }])
  t.match(check({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'x' }, spec: 'nonsense' }), [{ path: 'spec', message: 'spec is the string "nonsense"; expected an object' }, { path: 'spec.tls' }])
})

t.test('allowed namespaces, actions and DELETE', async (t) => {
  const plain = route({})
  t.same(check(plain, 'rules: { ROUTE-TLS: { allowedNamespaces: ["sh*"] } }'), [])
  t.same(check(plain, 'rules: { ROUTE-TLS: { action: off } }'), [])
  t.match(check(plain, 'rules: { ROUTE-TLS: { action: warn } }'), [{ action: 'warn' }])
  t.same(check(plain, '{}', { operation: 'DELETE', oldObject: plain }), [])
  t.same(check(route({ tls: EDGE }), '{}', { operation: 'UPDATE', oldObject: plain }), [])
})
