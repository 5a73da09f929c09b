import t from 'tap'
import { ingress, rule, violationsOf } from './ingress-fixtures.ts'

const check = (spec: Record<string, unknown>, policy?: string, annotations?: Record<string, string>, apiVersion?: string) =>
  violationsOf('ING-TLS', ingress(spec, annotations === undefined ? {} : { annotations }, apiVersion), policy)

t.test('an Ingress without spec.tls is denied', async (t) => {
  t.match(check({ rules: [rule('www.example.com')] }), [{
    ruleId: 'ING-TLS',
    action: 'deny',
    path: 'spec.tls',
    message: 'spec.tls is missing, so the Ingress serves plain HTTP in namespace shop',
    fix: 'add spec.tls with the hosts and their certificate secret'
  }])
  t.match(check({ rules: [rule('www.example.com')], tls: [] }), [{ path: 'spec.tls' }])
})

t.test('every rule host must be covered, exactly or by a one-label wildcard', async (t) => {
  t.same(check({ rules: [rule('a.example.com'), rule('B.example.com.')], tls: [{ hosts: ['b.example.com', 'a.example.com'], secretName: 'x' }] }), [])
  t.same(check({ rules: [rule('a.example.com')], tls: [{ hosts: ['*.example.com'] }] }), [])
  t.same(check({ rules: [rule('*.foo.com')], tls: [{ hosts: ['*.foo.com'] }] }), [])
  t.match(check({ rules: [rule('a.example.com'), rule('a.b.example.com')], tls: [{ hosts: ['*.example.com'] }] }), [{
    path: 'spec.rules[1].host',
    message: 'spec.rules[1].host a.b.example.com is not covered by spec.tls, so it is served over plain HTTP',
    fix: 'add the host to spec.tls[].hosts with its certificate secret'
  }])
  t.match(check({ rules: [rule('endpoint01')], tls: [{ hosts: ['endpoint99'] }] }), [{ path: 'spec.rules[0].host' }])
})

t.test('a TLS entry without hosts covers every host unless the policy says otherwise', async (t) => {
  t.same(check({ rules: [rule('www.example.com')], tls: [{}] }), [])
  t.match(check({ rules: [rule('www.example.com')], tls: [{ secretName: 'x' }] }, 'rules: { ING-TLS: { tlsWithoutHostsCoversAll: false } }'), [{ path: 'spec.rules[0].host' }])
})

t.test('rules without a host are ING-HOST business', async (t) => {
  t.same(check({ rules: [rule(undefined)], tls: [{ hosts: ['www.example.com'] }] }), [])
})

t.test('OKD: a valid route.openshift.io/termination annotation means TLS for every host', async (t) => {
  for (const termination of ['edge', 'reencrypt', 'passthrough']) {
    t.same(check({ rules: [rule('www.example.com')] }, '{}', { 'route.openshift.io/termination': termination }), [], termination)
  }
  t.match(check({ rules: [rule('www.example.com')] }, '{}', { 'route.openshift.io/termination': 'Edge' }), [{ path: 'spec.tls' }], 'OKD ignores other values')
  t.match(check({ rules: [rule('www.example.com')] }, 'rules: { ING-TLS: { okdTerminationAnnotation: false } }', { 'route.openshift.io/termination': 'edge' }), [{ path: 'spec.tls' }])
})

t.test('https-only: kubernetes.io/ingress.allow-http "false", with TLS required or optional', async (t) => {
  const httpsOnly = 'rules: { ING-TLS: { requireAllowHttpFalse: true, requireHostCoverage: false } }'
  const tlsOptional = 'rules: { ING-TLS: { requireAllowHttpFalse: true, requireTls: false, requireHostCoverage: false } }'
  const off = { 'kubernetes.io/ingress.allow-http': 'false' }
  t.same(check({ rules: [rule('example-host.example.com')], tls: [{}] }, httpsOnly, off), [])
  t.match(check({ rules: [rule('example-host.example.com')], tls: [{}] }, httpsOnly, { 'kubernetes.io/ingress.allow-http': 'true' }), [{
    path: 'metadata.annotations["kubernetes.io/ingress.allow-http"]',
    message: 'metadata.annotations["kubernetes.io/ingress.allow-http"] is not "false", so the Ingress may serve plain HTTP'
  }])
  t.match(check({ rules: [rule('example-host.example.com')] }, httpsOnly, off), [{ path: 'spec.tls' }])
  t.same(check({ rules: [rule('example-host.example.com')] }, tlsOptional, off), [])
  t.match(check({ rules: [rule('example-host.example.com')] }, tlsOptional), [{ path: 'metadata.annotations["kubernetes.io/ingress.allow-http"]' }])
})

t.test('host coverage without requiring TLS (hosts must be listed)', async (t) => {
  const policy = 'rules: { ING-TLS: { requireTls: false } }'
  t.same(check({ rules: [rule(undefined)], defaultBackend: { service: { name: 'web' } } }, policy), [])
  t.match(check({ rules: [rule('endpoint01')] }, policy), [{ path: 'spec.rules[0].host' }])
})

t.test('legacy API groups, allowed namespaces and untrusted shapes', async (t) => {
  t.match(check({ rules: [rule('www.example.com')] }, '{}', undefined, 'extensions/v1beta1'), [{ path: 'spec.tls' }])
  t.match(check({ rules: [rule('www.example.com')] }, '{}', undefined, 'networking.k8s.io/v1beta1'), [{ path: 'spec.tls' }])
  t.same(check({ rules: [rule('www.example.com')] }, 'rules: { ING-TLS: { allowedNamespaces: [shop] } }'), [])
  t.same(check({ rules: 'nope', tls: [{ hosts: 'nope' }, 'x'] }).map((v) => v.message), [
    'spec.tls[1] is the string "x"; expected an object',
    'spec.tls[0].hosts is the string "nope"; expected a list',
    'spec.rules is the string "nope"; expected a list'
  ])
  t.match(check({ rules: [rule('a.example.com')], tls: [{ hosts: ['not a host', 7] }] }, 'rules: { ING-TLS: { tlsWithoutHostsCoversAll: false } }'), [{ path: 'spec.tls[0].hosts[1]' }, { path: 'spec.rules[0].host' }])
})
