import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { contextFor, evaluate, policyWith } from '../../../helpers/policy.ts'

const lb = (spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}) =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', annotations }, spec: { type: 'LoadBalancer', ports: [{ port: 443 }], ...spec } })
const found = (object: KubeObject, spec = '{}') =>
  evaluate(object, contextFor(object), policyWith(spec)).filter((v) => v.ruleId === 'SVC-LOADBALANCER')

t.test('a LoadBalancer without source ranges is open to the world', async (t) => {
  t.match(found(lb()), [{ action: 'deny', path: 'spec.loadBalancerSourceRanges', message: /open to the world in namespace shop/ }])
})

t.test('narrow source ranges pass, in the field or in the annotation', async (t) => {
  t.same(found(lb({ loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/48'] })), [])
  t.same(found(lb({}, { 'service.beta.kubernetes.io/load-balancer-source-ranges': '203.0.113.0/24, 198.51.100.0/24' })), [])
})

t.test('a world split in halves is still the world, and says what it admits', async (t) => {
  const [violation] = found(lb({ loadBalancerSourceRanges: ['0.0.0.0/1', '128.0.0.0/1'] }))
  t.equal(violation?.message, 'spec.loadBalancerSourceRanges admits 4294967296 IPv4 addresses (0.0.0.0/1, 128.0.0.0/1); at most 16777216 allowed')
  t.match(found(lb({ loadBalancerSourceRanges: ['2000::/3'] })), [{ message: /IPv6 addresses/ }])
  t.match(found(lb({ loadBalancerSourceRanges: ['::/0'] })), [{ message: /4294967296 IPv4/ }], '::/0 holds every IPv4-mapped address too')
  t.match(found(lb({ loadBalancerSourceRanges: ['::ffff:0:0/96'] })), [{ message: /4294967296 IPv4/ }])
})

t.test('invalid source ranges are named', async (t) => {
  t.match(found(lb({ loadBalancerSourceRanges: ['10.0.0.0/8', 'nope'] })), [{ path: 'spec.loadBalancerSourceRanges[1]', message: /"nope" is not a CIDR/ }])
})

t.test('an alternative annotation stands in for source ranges', async (t) => {
  const policy = 'rules: { SVC-LOADBALANCER: { sourceRangeAlternatives: [service.beta.kubernetes.io/aws-load-balancer-security-groups] } }'
  t.same(found(lb({}, { 'service.beta.kubernetes.io/aws-load-balancer-security-groups': 'sg-1' }), policy), [])
  t.equal(found(lb({}, { 'service.beta.kubernetes.io/aws-load-balancer-security-groups': '' }), policy).length, 1)
})

t.test('allowedNamespaces: [] forbids LoadBalancers; other types are not looked at', async (t) => {
  const policy = 'rules: { SVC-LOADBALANCER: { allowedNamespaces: [] } }'
  t.match(found(lb({ loadBalancerSourceRanges: ['10.0.0.0/24'] }), policy), [{ path: 'spec.type', message: 'spec.type LoadBalancer is not allowed in namespace shop' }])
  const clusterIp = { ...lb(), spec: { type: 'ClusterIP' } }
  t.same(found(clusterIp, policy), [])
})

t.test('required annotations with allowed values', async (t) => {
  const policy = 'rules: { SVC-LOADBALANCER: { requireSourceRanges: false, requiredAnnotations: { "service.beta.kubernetes.io/aws-load-balancer-internal": ["true"], team: [] } } }'
  t.same(found(lb({}, { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true', team: 'a' }), policy), [])
  t.match(found(lb({}, { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'false' }), policy), [
    { path: 'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-internal"]', message: /"false" is not an allowed value/, fix: 'use one of true' },
    { path: 'metadata.annotations["team"]', message: /is required/ }
  ])
})

t.test('a wrong type is a finding with the field and the type expected, never "could not evaluate"', async (t) => {
  const object = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'shop' }, spec: { type: 'LoadBalancer', loadBalancerSourceRanges: '10.0.0.0/8' } }
  const found = evaluate(object, contextFor(object), policyWith()).filter((violation) => violation.ruleId === 'SVC-LOADBALANCER')
  t.match(found, [{
    action: 'deny',
    path: 'spec.loadBalancerSourceRanges',
    message: 'spec.loadBalancerSourceRanges is the string "10.0.0.0/8"; expected a list',
    fix: 'write spec.loadBalancerSourceRanges as a list'
  }, { path: 'spec.loadBalancerSourceRanges', message: /open to the world/ }])
  t.notMatch(JSON.stringify(found), 'could not evaluate')
  const ranges = { ...object, spec: { type: 'LoadBalancer', loadBalancerSourceRanges: [7, '10.0.0.0/24'] } }
  t.same(evaluate(ranges, contextFor(ranges), policyWith()).map((violation) => violation.message), ['spec.loadBalancerSourceRanges[0] 7 is not a CIDR'])
})
