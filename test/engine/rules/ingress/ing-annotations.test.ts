import t from 'tap'
import { ingress, rule, violationsOf } from './ingress-fixtures.ts'

const check = (annotations: Record<string, string>, policy: string, apiVersion?: string) =>
  violationsOf('ING-ANNOTATIONS', ingress({ rules: [rule('cafe.example.com', '/tea')] }, { annotations }, apiVersion), policy)

const SNIPPETS = 'rules: { ING-ANNOTATIONS: { action: deny, forbiddenKeys: ["*-snippet"] } }'
// The value patterns of the restrict-annotations peer policy, as YAML single-quoted strings.
const VALUES = `rules: { ING-ANNOTATIONS: { action: deny, forbiddenValues: [
  { pattern: '\\s*alias\\s*.*;' }, { pattern: '\\s*root\\s*.*;' }, { pattern: '/etc/(passwd|shadow|group|nginx|ingress-controller)' },
  { pattern: '/var/run/secrets' }, { pattern: '.*_by_lua.*' }] } }`

t.test('off by default', async (t) => {
  t.same(violationsOf('ING-ANNOTATIONS', ingress({}, { annotations: { 'nginx.org/server-snippet': 'x' } })), [])
})

t.test('snippet annotations are forbidden by key glob', async (t) => {
  t.match(check({ 'nginx.org/server-snippet': 'location / { return 302 /coffee; }', 'nginx.org/location-snippet': 'add_header x y;' }, SNIPPETS), [
    { ruleId: 'ING-ANNOTATIONS', action: 'deny', path: 'metadata.annotations["nginx.org/server-snippet"]', message: 'metadata.annotations["nginx.org/server-snippet"] is not allowed on Ingresses' },
    { path: 'metadata.annotations["nginx.org/location-snippet"]' }
  ])
  t.match(check({ 'nginx.ingress.kubernetes.io/configuration-snippet': 'x' }, SNIPPETS, 'extensions/v1beta1'), [{ ruleId: 'ING-ANNOTATIONS' }])
  t.same(check({ 'nginx.ingress.kubernetes.io/rewrite-target': '/' }, SNIPPETS), [])
})

t.test('forbidden value patterns are searched anywhere in every value', async (t) => {
  for (const value of ['alias; ', '  root ;', '/etc/passwd', '/var/run/secrets', '*! _by_lua 8010-191091']) {
    t.match(check({ 'nginx.org/bad': value }, VALUES), [{ path: 'metadata.annotations["nginx.org/bad"]', message: /has a forbidden value \(matches / }], value)
  }
  t.same(check({ 'nginx.org/good': 'value' }, VALUES), [])
  t.same(check({}, VALUES), [])
})
