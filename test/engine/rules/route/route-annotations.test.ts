import t from 'tap'
import { EDGE, route, violationsOf } from './route-fixtures.ts'

const withAnnotations = (annotations: unknown, namespace = 'shop') => route({ host: 'www.example.com', tls: EDGE }, { annotations, namespace })
const check = (annotations: unknown, policy: string, namespace?: string) =>
  violationsOf('ROUTE-ANNOTATIONS', withAnnotations(annotations, namespace), policy)

const POLICY = `rules: { ROUTE-ANNOTATIONS: {
  action: deny,
  forbiddenKeys: ["haproxy.router.openshift.io/rewrite-*"],
  forbiddenValues: [{ pattern: "0\\\\.0\\\\.0\\\\.0/0", keys: ["haproxy.router.openshift.io/ip_whitelist", "haproxy.router.openshift.io/ip_allowlist"] }],
  constraints: [
    { key: haproxy.router.openshift.io/ip_allowlist, namespaces: ["pay-*"], required: true, pattern: "[0-9./ ]+" },
    { key: haproxy.router.openshift.io/balance, values: [roundrobin, leastconn] }
  ] } }`

t.test('off by default', async (t) => {
  t.same(violationsOf('ROUTE-ANNOTATIONS', withAnnotations({ 'haproxy.router.openshift.io/rewrite-target': '/' })), [])
})

t.test('forbidden keys (globs) are denied', async (t) => {
  t.match(check({ 'haproxy.router.openshift.io/rewrite-target': '/' }, POLICY), [{
    ruleId: 'ROUTE-ANNOTATIONS',
    action: 'deny',
    path: 'metadata.annotations["haproxy.router.openshift.io/rewrite-target"]',
    message: 'metadata.annotations["haproxy.router.openshift.io/rewrite-target"] is not allowed on Routes',
    fix: 'remove the annotation'
  }])
})

t.test('forbidden values are searched in the keys they name', async (t) => {
  t.match(check({ 'haproxy.router.openshift.io/ip_whitelist': '10.0.0.0/8 0.0.0.0/0' }, POLICY), [{
    message: 'metadata.annotations["haproxy.router.openshift.io/ip_whitelist"] has a forbidden value (matches /0\\.0\\.0\\.0\\/0/)'
  }])
  t.same(check({ 'example.com/note': '0.0.0.0/0' }, POLICY), [], 'other keys are not searched')
})

t.test('required annotations per namespace, with a value pattern', async (t) => {
  t.match(check({}, POLICY, 'pay-eu'), [{
    path: 'metadata.annotations["haproxy.router.openshift.io/ip_allowlist"]',
    message: 'metadata.annotations["haproxy.router.openshift.io/ip_allowlist"] is required on Routes in namespace pay-eu',
    fix: 'set it'
  }])
  t.same(check({ 'haproxy.router.openshift.io/ip_allowlist': '203.0.113.0/24 198.51.100.7' }, POLICY, 'pay-eu'), [])
  t.match(check({ 'haproxy.router.openshift.io/ip_allowlist': 'everyone' }, POLICY, 'pay-eu'), [{
    message: 'metadata.annotations["haproxy.router.openshift.io/ip_allowlist"] "everyone" does not match /[0-9./ ]+/'
  }])
  t.same(check({}, POLICY, 'shop'), [], 'not required elsewhere')
})

t.test('allowed values, when present', async (t) => {
  t.same(check({ 'haproxy.router.openshift.io/balance': 'leastconn' }, POLICY), [])
  t.match(check({ 'haproxy.router.openshift.io/balance': 'source\n  and more text that goes on and on and on' }, POLICY), [{
    message: 'metadata.annotations["haproxy.router.openshift.io/balance"] "source and more text that goes on and on…" is not an allowed value',
    fix: 'use one of roundrobin, leastconn'
  }])
  const requiredWithValues = 'rules: { ROUTE-ANNOTATIONS: { action: deny, constraints: [{ key: a.io/tier, required: true, values: [gold] }] } }'
  t.match(check({ 'a.io/tier': '' }, requiredWithValues), [{ message: /is required on Routes in namespace shop/, fix: 'set it to one of gold' }])
})

t.test('untrusted input: annotations that are not a map, values that are not strings', async (t) => {
  t.match(check('nonsense', POLICY), [{ message: 'metadata.annotations is the string "nonsense"; expected an object' }])
  t.same(check(null, POLICY), [])
  t.match(check({ 'haproxy.router.openshift.io/balance': 7 }, POLICY), [{ message: 'metadata.annotations["haproxy.router.openshift.io/balance"] is the number 7; expected a string' }],
    'a non-string value is a finding of its own')
})

t.test('a bad regular expression fails the policy', async (t) => {
  t.throws(() => check({}, 'rules: { ROUTE-ANNOTATIONS: { forbiddenValues: [{ pattern: "(" }] } }'), { code: 'NG_ERR_POLICY_INVALID', message: /not a valid regular expression/ })
  t.throws(() => check({}, 'rules: { ROUTE-ANNOTATIONS: { constraints: [{ key: a, pattern: "[" }] } }'), { code: 'NG_ERR_POLICY_INVALID' })
})
