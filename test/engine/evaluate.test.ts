import t from 'tap'
import type { CompiledPolicy } from '../../src/engine/policy.ts'
import { defineRule, type ValidationRule } from '../../src/engine/rule.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { testCertificate } from '../helpers/certificates.ts'
import { contextFor, evaluate, policyWith } from '../helpers/policy.ts'
import Type from 'typebox'

const nodePort = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'NodePort' } }
const nodePort_: KubeObject = nodePort
const ruleIds = (violations: readonly { ruleId: string }[]) => violations.map((v) => v.ruleId)

t.test('exempt namespaces, users and groups skip every rule', async (t) => {
  const policy = policyWith('exemptions: { namespaces: ["sys-*"], users: ["ci-bot"], groups: ["admins"] }')
  t.same(evaluate(nodePort, contextFor(nodePort, { namespace: 'sys-1' }), policy), [])
  t.same(evaluate(nodePort, contextFor(nodePort, { username: 'ci-bot' }), policy), [])
  t.same(evaluate(nodePort, contextFor(nodePort, { groups: ['x', 'admins'] }), policy), [])
  t.same(ruleIds(evaluate(nodePort, contextFor(nodePort), policy)), ['SVC-NODEPORT'])
})

t.test('default exemptions: kube-*, openshift-* and netguard itself, including its service accounts', async (t) => {
  const policy = policyWith()
  for (const namespace of ['kube-system', 'openshift-ingress', 'netguard']) {
    t.same(evaluate(nodePort, contextFor(nodePort, { namespace }), policy), [], namespace)
  }
  t.same(evaluate(nodePort, contextFor(nodePort, { username: 'system:serviceaccount:netguard:netguard' }), policy), [])
  t.same(ruleIds(evaluate(nodePort, contextFor(nodePort, { namespace: 'kubeflow' }), policy)), ['SVC-NODEPORT'], 'kube-* needs the dash')
})

t.test('exceptions waive named rules in named namespaces until they expire', async (t) => {
  const policy = policyWith(`exceptions:
  - { name: legacy-shop, rules: [SVC-NODEPORT], namespaces: [shop], reason: "migrating to a Route, JIRA-42", expires: "2026-12-31" }`)
  const on = (now: string, namespace = 'shop') => ruleIds(evaluate(nodePort, contextFor(nodePort, { namespace, now: new Date(now) }), policy))
  t.same(on('2026-12-31T23:59:59Z'), [], 'in force through the whole expiry day')
  t.same(on('2027-01-01T00:00:00Z'), ['SVC-NODEPORT'], 'expired')
  t.same(on('2026-12-01T00:00:00Z', 'other'), ['SVC-NODEPORT'], 'other namespace')
  const external = { ...nodePort, spec: { type: 'ClusterIP', externalIPs: ['1.2.3.4'] } }
  t.same(ruleIds(evaluate(external, contextFor(external, { now: new Date('2026-12-01') }), policy)), ['SVC-EXTERNALIP'], 'other rule')
})

t.test('an exception without expiry or namespaces applies everywhere, for good', async (t) => {
  const policy = policyWith('exceptions: [{ name: all, rules: [SVC-NODEPORT], reason: "lab cluster" }]')
  t.same(evaluate(nodePort, contextFor(nodePort, { now: new Date('2100-01-01') }), policy), [])
})

t.test('unknown kinds and operations without rules are allowed', async (t) => {
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' } }
  t.same(evaluate(configMap, contextFor(configMap), policyWith()), [])
  t.same(evaluate(nodePort, contextFor(nodePort, { operation: 'CONNECT' }), policyWith()), [])
  t.same(evaluate(undefined, contextFor(nodePort, { operation: 'DELETE' }), policyWith()), [], 'DELETE without oldObject')
})

t.test('a finding may ask for a milder action, never a harsher one', async (t) => {
  const mild = (action: 'deny' | 'warn' | 'audit', requested: 'warn' | 'audit') => {
    const rule = defineRule({
      type: 'validate',
      id: 'TEST-MILD',
      kinds: [{ group: '', kind: 'Service' }],
      operations: ['CREATE'],
      defaultAction: action,
      summary: 'mild',
      settings: Type.Object({}),
      defaults: {},
      compile: () => undefined,
      check: () => [{ path: 'x', message: 'm', fix: 'f', action: requested }]
    }) as ValidationRule
    const policy: CompiledPolicy = { ...policyWith(), validations: new Map([['Service', [{ rule, action, settings: undefined }]]]) }
    return evaluate(nodePort, contextFor(nodePort), policy)[0]?.action
  }
  t.equal(mild('deny', 'warn'), 'warn')
  t.equal(mild('audit', 'warn'), 'audit')
})

t.test('on UPDATE a deny the object already had only warns; a new one still denies', async (t) => {
  const legacy = { ...nodePort, metadata: { ...nodePort.metadata, labels: { team: 'a' } } }
  const relabelled = { ...nodePort, metadata: { ...nodePort.metadata, labels: { team: 'b' } } }
  const [carried] = evaluate(relabelled, contextFor(relabelled, { operation: 'UPDATE', oldObject: legacy }), policyWith())
  t.match(carried, { ruleId: 'SVC-NODEPORT', action: 'warn', message: 'spec.type NodePort is not allowed in namespace shop (already so before this update)' })

  const clusterIp = { ...nodePort, spec: { type: 'ClusterIP' } }
  t.match(evaluate(nodePort, contextFor(nodePort, { operation: 'UPDATE', oldObject: clusterIp }), policyWith()), [{ action: 'deny' }], 'a violation the update introduces')
  t.match(evaluate(relabelled, contextFor(relabelled, { operation: 'UPDATE', oldObject: legacy }), policyWith('allowExistingViolations: false')), [{ action: 'deny' }], 'switched off')
})

t.test('"already so" compares the finding\'s identity (rule, path, code) and the field it is about, never the message', async (t) => {
  const update = (before: KubeObject, after: KubeObject, policy = policyWith()) =>
    evaluate(after, contextFor(after, { operation: 'UPDATE', oldObject: before }), policy).map((violation) => `${violation.ruleId} ${violation.action}`)
  const loadBalancer = (nodePort: number, labels: Record<string, string> = {}): KubeObject =>
    ({ ...nodePort_, metadata: { ...nodePort_.metadata, labels }, spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, loadBalancerSourceRanges: ['10.0.0.0/8'], ports: [{ port: 80, nodePort }] } })
  t.same(update(loadBalancer(30080), loadBalancer(30080, { team: 'b' })), ['SVC-NODEPORT warn'], 'the same node port, relabelled')
  t.same(update(loadBalancer(30080), loadBalancer(30081)), ['SVC-NODEPORT deny'], 'another node port at the same field is new')
  const route = (host: string, labels: Record<string, string> = {}): KubeObject =>
    ({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'r', namespace: 'shop', labels }, spec: { host, tls: { termination: 'edge' } } })
  const hosts = policyWith('rules: { ROUTE-HOST: { allowedHostSuffixes: [apps.example.com] } }')
  const routeHost = (before: KubeObject, after: KubeObject) => update(before, after, hosts).filter((found) => found.startsWith('ROUTE-HOST '))
  t.same(routeHost(route('a.legacy.example'), route('a.legacy.example', { team: 'b' })), ['ROUTE-HOST warn'])
  t.same(routeHost(route('a.legacy.example'), route('b.legacy.example')), ['ROUTE-HOST deny'], 'moving to another host the policy refuses')

  const expired = testCertificate({ hosts: ['a.apps.example.com'], notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2025-06-01T00:00:00Z') })
  const served = (host: string): KubeObject => ({ ...route(host), spec: { host, tls: { termination: 'edge', certificate: expired.certificate, key: expired.key } } })
  const routeCert = (before: KubeObject, after: KubeObject) => evaluate(after, contextFor(after, { operation: 'UPDATE', oldObject: before }), policyWith())
    .filter((violation) => violation.ruleId === 'ROUTE-CERT').map((violation) => `${violation.code ?? ''} ${violation.action}`)
  t.same(routeCert(served('a.apps.example.com'), served('b.apps.example.com')), ['expired warn', 'host-not-covered deny'],
    'the certificate expired before; that it no longer covers the host is new, though both are at spec.tls.certificate')

  const twoReasons = (codeOf: (object: KubeObject) => string | undefined, path = 'spec.x') => {
    const rule = defineRule({
      type: 'validate',
      id: 'TEST-REASONS',
      kinds: [{ group: '', kind: 'Service' }],
      operations: ['CREATE', 'UPDATE'],
      defaultAction: 'deny',
      summary: 'two problems at one field',
      settings: Type.Object({}),
      defaults: {},
      compile: () => undefined,
      check: (object) => {
        const code = codeOf(object)
        return code === undefined ? [] : [{ path, code, message: `problem ${String((object.metadata?.labels ?? {}).n)}`, fix: 'f' }]
      }
    }) as ValidationRule
    return { ...policyWith(), validations: new Map([['Service', [{ rule, action: 'deny' as const, settings: undefined }]]]) }
  }
  const labelled = (labels: Record<string, string>): KubeObject => ({ ...nodePort_, metadata: { ...nodePort_.metadata, labels } })
  const byLabel = twoReasons((object) => object.metadata?.labels?.reason)
  t.same(update(labelled({ reason: 'a', n: '1' }), labelled({ reason: 'a', n: '2' }), byLabel), ['TEST-REASONS warn'], 'another message, the same finding')
  t.same(update(labelled({ reason: 'a' }), labelled({ reason: 'b' }), byLabel), ['TEST-REASONS deny'], 'another code at the same path is new')
  const whole = twoReasons(() => 'unknown', '')
  t.same(update(labelled({ n: '1' }), labelled({ n: '2' }), whole), ['TEST-REASONS warn'], 'a finding about the whole object compares identities only')
  const unreadable = twoReasons(() => 'x', 'spec[')
  t.same(update(labelled({}), labelled({}), unreadable), ['TEST-REASONS deny'], 'a path that is not a field path is never carried over')
})

t.test('rules that judge the change itself are not softened on UPDATE', async (t) => {
  const isolated = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'netguard.io/isolation': 'default-deny' } } }
  const optedOut = { ...isolated, metadata: { name: 'shop', labels: { 'netguard.io/isolation': 'none' } } }
  t.match(evaluate(optedOut, contextFor(optedOut, { operation: 'UPDATE', oldObject: optedOut }), policyWith()), [], 'already opted out before netguard')
  t.match(evaluate(optedOut, contextFor(optedOut, { operation: 'UPDATE', oldObject: isolated }), policyWith()), [{ ruleId: 'NS-ISOLATION-OPTOUT', action: 'deny' }])
})
