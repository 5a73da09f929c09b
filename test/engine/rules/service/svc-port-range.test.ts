import t from 'tap'
import { contextFor, evaluate, policyWith } from '../../../helpers/policy.ts'

const service = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec })
const found = (object: ReturnType<typeof service>, spec: string) =>
  evaluate(object, contextFor(object), policyWith(spec)).filter((v) => v.ruleId === 'SVC-PORT-RANGE')
const RANGE = 'rules: { SVC-PORT-RANGE: { action: deny, allowedPorts: ["32000-33000", "443"] } }'

t.test('off by default', async (t) => {
  t.same(found(service({ ports: [{ port: 80 }] }), '{}'), [])
})

t.test('a port outside the ranges is denied with its path, value and the allowed ports', async (t) => {
  const violations = found(service({ type: 'NodePort', ports: [{ port: 32000 }, { port: 80, nodePort: 32001 }, { port: 443 }] }), RANGE)
  t.equal(violations.length, 1)
  t.match(violations[0], {
    ruleId: 'SVC-PORT-RANGE',
    action: 'deny',
    path: 'spec.ports[1].port',
    message: 'spec.ports[1].port 80 of a NodePort Service is outside the allowed ports (32000-33000, 443) in namespace shop',
    fix: 'expose the service on one of 32000-33000, 443'
  })
})

t.test('range ends are inclusive; nodePort and targetPort are not checked', async (t) => {
  t.same(found(service({ ports: [{ port: 32000, targetPort: 80 }, { port: 33000, nodePort: 30001 }] }), RANGE), [])
  t.equal(found(service({ ports: [{ port: 33001 }] }), RANGE).length, 1)
})

t.test('a missing or non-numeric port is reported, not crashed on', async (t) => {
  t.match(found(service({ ports: [{ name: 'x' }, { port: '443' }, null] }), RANGE), [
    { path: 'spec.ports[0].port', message: /port null of a ClusterIP Service/ },
    { path: 'spec.ports[1].port', message: /port "443"/ },
    { path: 'spec.ports[2].port' }
  ])
  t.match(found(service({ ports: 'nope' }), RANGE), [{ path: 'spec.ports', message: 'spec.ports is the string "nope"; expected a list' }])
})

t.test('types and allowed namespaces limit where it applies', async (t) => {
  const lbOnly = 'rules: { SVC-PORT-RANGE: { action: deny, allowedPorts: ["22", "80", "443"], types: [LoadBalancer] } }'
  t.same(found(service({ ports: [{ port: 8080 }] }), lbOnly), [])
  t.equal(found(service({ type: 'LoadBalancer', ports: [{ port: 8080 }, { port: 22 }] }), lbOnly).length, 1)
  t.same(found(service({ ports: [{ port: 1 }] }), 'rules: { SVC-PORT-RANGE: { action: deny, allowedPorts: ["443"], allowedNamespaces: ["sh*"] } }'), [])
})

t.test('a bad range is a policy error naming the entry', async (t) => {
  for (const bad of ['0', '70000', '9-8', 'http', '1-2-3']) {
    t.throws(() => policyWith(`rules: { SVC-PORT-RANGE: { allowedPorts: ["443", "${bad}"] } }`), { message: /spec\.rules\.SVC-PORT-RANGE\.allowedPorts\[1\]: expected a port/ }, bad)
  }
})
