import t from 'tap'
import { ingress, rule, violationsOf } from './ingress-fixtures.ts'

const check = (spec: Record<string, unknown>, policy?: string, namespace = 'shop') => violationsOf('ING-HOST', ingress(spec, { namespace }), policy)
const POLICY = 'rules: { ING-HOST: { allowedHostSuffixes: ["apps.example.com"], namespaceHostSuffixes: [{ namespaces: [shop], suffixes: ["{namespace}.example.org"] }] } }'

t.test('named hosts pass by default; with suffixes they must be under one', async (t) => {
  t.same(check({ rules: [rule('myservice.example.com')] }), [])
  t.same(check({ rules: [rule('a.apps.example.com'), rule('www.shop.example.org')] }, POLICY), [])
  t.match(check({ rules: [rule('a.apps.example.com'), rule('evilapps.example.com')] }, POLICY), [{
    ruleId: 'ING-HOST',
    action: 'deny',
    path: 'spec.rules[1].host',
    message: 'spec.rules[1].host evilapps.example.com is not under a domain allowed in namespace shop',
    fix: 'use a host under apps.example.com, shop.example.org'
  }])
  t.match(check({ rules: [rule('www.shop.example.org')] }, POLICY, 'bank'), [{ path: 'spec.rules[0].host', fix: 'use a host under apps.example.com' }])
})

t.test('a rule without a host, or an empty host, catches every host', async (t) => {
  t.match(check({ rules: [rule(undefined)] }), [{ path: 'spec.rules[0].host', message: 'spec.rules[0] has no host, so it answers requests for every host in namespace shop', fix: 'set spec.rules[0].host' }])
  t.match(check({ rules: [rule('')] }), [{ path: 'spec.rules[0].host' }])
  t.match(check({ rules: [rule('bar.foo.com'), rule(undefined)] }), [{ path: 'spec.rules[1].host' }])
  t.same(check({ rules: [rule(undefined)] }, 'rules: { ING-HOST: { allowMissingHost: true } }'), [])
})

t.test('a default backend catches every host (v1 and v1beta1 field)', async (t) => {
  t.match(check({ defaultBackend: { service: { name: 'web', port: { number: 80 } } } }), [{
    path: 'spec.defaultBackend',
    message: 'spec.defaultBackend answers requests for every host in namespace shop',
    fix: 'remove spec.defaultBackend and route by host in spec.rules'
  }])
  t.match(check({ backend: { serviceName: 'web', servicePort: 80 } }), [{ path: 'spec.backend' }])
  t.match(check({ defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'b' } } }), [{ path: 'spec.defaultBackend' }])
  t.same(check({ defaultBackend: { service: { name: 'web' } }, rules: [rule('a.example.com')] }, 'rules: { ING-HOST: { allowDefaultBackend: true } }'), [])
})

t.test('wildcard hosts are denied unless allowed, and then checked against the suffixes', async (t) => {
  t.match(check({ rules: [rule('*.example.com'), rule('valid.example.com')] }), [{ path: 'spec.rules[0].host', message: 'spec.rules[0].host *.example.com is a wildcard in namespace shop', fix: 'name one host in spec.rules[0].host' }])
  t.same(check({ rules: [rule('*.foo.com')] }, 'rules: { ING-HOST: { allowWildcards: true } }'), [])
  const policy = 'rules: { ING-HOST: { allowWildcards: true, allowedHostSuffixes: [".apps.example.com"] } }'
  t.same(check({ rules: [rule('*.shop.apps.example.com')] }, policy), [])
  t.match(check({ rules: [rule('*.example.com')] }, policy), [{ message: /not under a domain allowed/ }])
})

t.test('invalid hosts and untrusted shapes', async (t) => {
  t.match(check({ rules: [rule('a.*.com')] }), [{ message: 'spec.rules[0].host "a.*.com" is not a valid host name' }])
  t.match(check({ rules: [rule('foo bar')] }), [{ message: 'spec.rules[0].host "foo bar" is not a valid host name' }])
  t.same(check({ rules: null, defaultBackend: 'x' }).map((v) => v.message), ['spec.defaultBackend is the string "x"; expected an object'])
  t.match(check({ rules: [{ host: 5 }] }), [{ message: 'spec.rules[0].host is the number 5; expected a string' }, { message: /has no host/ }], 'a non-string host is no host, and a finding of its own')
})

t.test('maxHosts limits the distinct hosts of one Ingress', async (t) => {
  const one = 'rules: { ING-HOST: { maxHosts: 1 } }'
  t.same(check({ rules: [rule('www.foo.com'), rule('WWW.foo.com.')] }, one), [], 'the same host twice is one host')
  t.same(check({ rules: [rule('www.foo.com'), rule('foo.bar.com')] }), [], 'no limit by default')
  t.match(check({ rules: [rule('www.foo.com'), rule('foo.bar.com'), rule(undefined)] }, one), [
    { path: 'spec.rules[2].host' },
    {
      path: 'spec.rules',
      message: 'spec.rules name 2 hosts (www.foo.com, foo.bar.com); at most 1 allowed per Ingress in namespace shop',
      fix: 'split the Ingress into one per host'
    }
  ])
})
