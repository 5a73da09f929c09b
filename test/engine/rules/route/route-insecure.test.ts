import t from 'tap'
import { route, violationsOf } from './route-fixtures.ts'

const check = (tls: unknown, policy?: string) => violationsOf('ROUTE-INSECURE', route({ tls }), policy)

t.test('Allow is denied: it serves the Route over plain HTTP too', async (t) => {
  t.match(check({ termination: 'edge', insecureEdgeTerminationPolicy: 'Allow' }), [{
    ruleId: 'ROUTE-INSECURE',
    action: 'deny',
    path: 'spec.tls.insecureEdgeTerminationPolicy',
    message: 'spec.tls.insecureEdgeTerminationPolicy Allow serves the Route over plain HTTP too in namespace shop',
    fix: 'set spec.tls.insecureEdgeTerminationPolicy to None or Redirect'
  }])
})

t.test('None, Redirect, absent and empty pass; no TLS is ROUTE-TLS business', async (t) => {
  for (const policy of ['None', 'Redirect', '', undefined]) {
    t.same(check({ termination: 'edge', insecureEdgeTerminationPolicy: policy }), [], String(policy))
  }
  t.same(violationsOf('ROUTE-INSECURE', route({})), [])
})

t.test('values are compared case-insensitively', async (t) => {
  t.match(check({ termination: 'reencrypt', insecureEdgeTerminationPolicy: 'allow' }), [{ message: /allow serves the Route over plain HTTP/ }])
  t.same(check({ termination: 'edge', insecureEdgeTerminationPolicy: 'redirect' }), [])
})

t.test('the allowed list can require Redirect, or allow Allow in some namespaces', async (t) => {
  const redirectOnly = 'rules: { ROUTE-INSECURE: { allowedPolicies: [Redirect] } }'
  t.match(check({ termination: 'edge' }, redirectOnly), [{ message: 'spec.tls.insecureEdgeTerminationPolicy None is not allowed in namespace shop', fix: 'set spec.tls.insecureEdgeTerminationPolicy to Redirect' }])
  t.same(check({ termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' }, redirectOnly), [])
  t.match(check({ termination: 'edge', insecureEdgeTerminationPolicy: 'Bogus' }), [{ message: /Bogus is not allowed/ }])
  t.same(check({ termination: 'edge', insecureEdgeTerminationPolicy: 'Allow' }, 'rules: { ROUTE-INSECURE: { allowedNamespaces: [shop] } }'), [])
  t.match(check({ termination: 'edge' }, 'rules: { ROUTE-INSECURE: { allowedPolicies: [] } }'), [{ fix: 'remove spec.tls.insecureEdgeTerminationPolicy' }])
})

t.test('a bad policy value is refused at load', async (t) => {
  t.throws(() => violationsOf('ROUTE-INSECURE', route({}), 'rules: { ROUTE-INSECURE: { allowedPolicies: [Sometimes] } }'), { code: 'NG_ERR_POLICY_INVALID' })
})
