import t from 'tap'
import { EDGE, route, violationsOf } from './route-fixtures.ts'

const check = (spec: Record<string, unknown>, policy?: string) => violationsOf('ROUTE-WILDCARD', route({ tls: EDGE, ...spec }), policy)

t.test('wildcardPolicy Subdomain is denied, naming the domain it claims', async (t) => {
  t.match(check({ host: 'www.Example.com', wildcardPolicy: 'Subdomain' }), [{
    ruleId: 'ROUTE-WILDCARD',
    action: 'deny',
    path: 'spec.wildcardPolicy',
    message: 'spec.wildcardPolicy Subdomain claims every host of *.example.com in namespace shop',
    fix: 'name one host in spec.host and set spec.wildcardPolicy to None'
  }])
  t.match(check({ wildcardPolicy: 'subdomain' }), [{ message: /claims every host of its domain/ }])
})

t.test('a * in the host or subdomain is denied', async (t) => {
  t.match(check({ host: '*.example.com' }), [{ path: 'spec.host', message: 'spec.host *.example.com is a wildcard in namespace shop' }])
  t.match(check({ subdomain: '*' }), [{ path: 'spec.subdomain' }])
})

t.test('plain hosts, None and an empty policy pass; namespaces can be allowed', async (t) => {
  t.same(check({ host: 'www.example.com' }), [])
  t.same(check({ host: 'www.example.com', wildcardPolicy: 'None' }), [])
  t.same(check({ host: 'www.example.com', wildcardPolicy: '' }), [])
  t.same(check({ host: 'www.example.com', wildcardPolicy: 'Subdomain' }, 'rules: { ROUTE-WILDCARD: { allowedNamespaces: [shop] } }'), [])
})
