import t from 'tap'
import { contextFor, evaluate, policyWith } from '../../../helpers/policy.ts'

const service = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec })
const ids = (object: ReturnType<typeof service>, spec = '{}', options = {}) =>
  evaluate(object, contextFor(object, options), policyWith(spec)).filter((v) => v.ruleId === 'SVC-NODEPORT')

t.test('NodePort is denied outside the allowed namespaces, with field and fix', async (t) => {
  const [violation, ...rest] = ids(service({ type: 'NodePort', ports: [{ port: 80 }] }))
  t.same(rest, [])
  t.match(violation, { ruleId: 'SVC-NODEPORT', action: 'deny', path: 'spec.type', message: 'spec.type NodePort is not allowed in namespace shop', fix: 'use a Route or a ClusterIP Service' })
})

t.test('ClusterIP, no type and LoadBalancer with allocated node ports pass', async (t) => {
  t.same(ids(service({ ports: [{ port: 80 }] })), [])
  t.same(ids(service({ type: 'ClusterIP' })), [])
  t.same(ids(service({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }] })), [])
})

t.test('an explicit nodePort on a LoadBalancer that opted out of allocation is denied', async (t) => {
  const found = ids(service({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }, { port: 443, nodePort: 30443 }] }))
  t.same(found.map((v) => v.path), ['spec.ports[1].nodePort'])
})

t.test('allowed namespaces (globs) and action off', async (t) => {
  const object = service({ type: 'NodePort' })
  t.same(ids(object, 'rules: { SVC-NODEPORT: { allowedNamespaces: ["sh*"] } }'), [])
  t.same(ids(object, 'rules: { SVC-NODEPORT: { action: off } }'), [])
  t.match(ids(object, 'rules: { SVC-NODEPORT: { action: warn } }'), [{ action: 'warn' }])
})

t.test('DELETE never violates a content rule', async (t) => {
  const object = service({ type: 'NodePort' })
  t.same(ids(object, '{}', { operation: 'DELETE', oldObject: object }), [])
})

t.test('malformed ports are a finding of their own, never a crash', async (t) => {
  t.same(ids(service({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: 'http' })).map((v) => v.message), ['spec.ports is the string "http"; expected a list'])
})
