import t from 'tap'
import { route, violationsOf } from './route-fixtures.ts'

const check = (termination: unknown, policy?: string, namespace = 'shop') =>
  violationsOf('ROUTE-TERMINATION', route({ tls: { termination } }, { namespace }), policy)

t.test('every termination is allowed by default', async (t) => {
  for (const termination of ['edge', 'reencrypt', 'passthrough']) t.same(check(termination), [], termination)
  t.same(violationsOf('ROUTE-TERMINATION', route({})), [], 'no TLS is ROUTE-TLS business')
})

t.test('a termination outside the list is denied with the allowed ones', async (t) => {
  const reencryptOnly = 'rules: { ROUTE-TERMINATION: { allowedTerminations: [reencrypt] } }'
  t.match(check('edge', reencryptOnly), [{
    ruleId: 'ROUTE-TERMINATION',
    action: 'deny',
    path: 'spec.tls.termination',
    message: 'spec.tls.termination edge is not allowed in namespace shop',
    fix: 'use reencrypt'
  }])
  t.match(check('Edge', reencryptOnly), [{ message: /termination edge is not allowed/ }], 'case-insensitive')
  t.match(check('bogus'), [{ message: 'spec.tls.termination bogus is not allowed in namespace shop', fix: 'use edge, reencrypt, passthrough' }])
})

t.test('per-namespace terminations add to the global list', async (t) => {
  const policy = 'rules: { ROUTE-TERMINATION: { allowedTerminations: [reencrypt], namespaceTerminations: [{ namespaces: ["edge-*"], terminations: [edge, passthrough] }] } }'
  t.same(check('passthrough', policy, 'edge-eu'), [])
  t.match(check('passthrough', policy, 'shop'), [{ path: 'spec.tls.termination' }])
  t.match(check('edge', 'rules: { ROUTE-TERMINATION: { allowedTerminations: [] } }'), [{ fix: 'ask a cluster admin which termination to use' }])
})
