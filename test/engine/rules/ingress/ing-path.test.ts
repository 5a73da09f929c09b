import t from 'tap'
import { ingress, rule, violationsOf } from './ingress-fixtures.ts'

const check = (spec: Record<string, unknown>, policy = 'rules: { ING-PATH: { action: deny } }', namespace = 'shop') =>
  violationsOf('ING-PATH', ingress(spec, { namespace }), policy)

t.test('off by default', async (t) => {
  t.same(check({ rules: [rule('a.example.com', '/var/run/secrets')] }, '{}'), [])
})

t.test('controller file paths are denied, naming the path and the pattern', async (t) => {
  t.match(check({ rules: [rule('a.example.com', '/tea', '/var/run/secrets/kubernetes.io/serviceaccount/token')] }), [{
    ruleId: 'ING-PATH',
    action: 'deny',
    path: 'spec.rules[0].http.paths[1].path',
    message: 'spec.rules[0].http.paths[1].path "/var/run/secrets/kubernetes.io/serviceaccount/token" matches the forbidden path */var/run/secrets* in namespace shop',
    fix: 'route URL paths of the application, never file paths of the controller'
  }])
  for (const path of ['/etc', '/etc/passwd', '/root', '/x/../root/.ssh', '/proc/self/environ', '/var/run/kubernetes/serviceaccount']) {
    t.equal(check({ rules: [rule('a.example.com', path)] }).length, 1, path)
  }
})

t.test('the defaults respect path segments; application paths pass', async (t) => {
  for (const path of ['/', '/tea', '/coffee', '/etcetera', '/rootbeer', '/api/etc-config']) {
    t.same(check({ rules: [rule('a.example.com', path)] }), [], path)
  }
})

t.test('configured patterns and allowed namespaces', async (t) => {
  const substrings = 'rules: { ING-PATH: { action: deny, forbiddenPaths: ["*/etc*"], allowedNamespaces: ["edge-*"] } }'
  t.equal(check({ rules: [rule('a.example.com', '/etcetera')] }, substrings).length, 1)
  t.same(check({ rules: [rule('a.example.com', '/etcetera')] }, substrings, 'edge-1'), [])
})

t.test('untrusted shapes are findings of their own, never crashed on', async (t) => {
  t.same(check({ rules: [{ host: 'a.example.com', http: { paths: [{ path: 42 }, null, 'x'] } }, { http: 'x' }, null] }).map((v) => v.message), [
    'spec.rules[1].http is the string "x"; expected an object',
    'spec.rules[0].http.paths[2] is the string "x"; expected an object',
    'spec.rules[0].http.paths[0].path is the number 42; expected a string'
  ])
  t.same(check({ rules: 'x' }).map((v) => v.message), ['spec.rules is the string "x"; expected a list'])
  t.same(check({}), [])
})
