import t from 'tap'
import { exemptionOf } from '../../src/engine/match.ts'
import type { ClusterView } from '../../src/engine/types.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { contextFor, evaluate, mutate, policyWith } from '../helpers/policy.ts'

const namespace = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } })
/** A view that knows only Namespaces and, like the informer caches, answers list(Namespace, name) with that one. */
const viewOf = (...namespaces: KubeObject[]): ClusterView => ({
  list: (kind, name) => kind.kind === 'Namespace' ? namespaces.filter((ns) => name === undefined || ns.metadata?.name === name) : undefined
})
const nodePort: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'NodePort' } }
const rules = (object: KubeObject, spec: string, cluster?: ClusterView) => evaluate(object, contextFor(object, { cluster }), policyWith(spec)).map((v) => v.ruleId)

t.test('exemptions.namespaceSelector exempts namespaces by their labels from the cluster view', async (t) => {
  const spec = 'exemptions: { namespaceSelector: { matchLabels: { tier: platform } } }'
  t.same(rules(nodePort, spec, viewOf(namespace('shop', { tier: 'platform' }))), [])
  t.same(rules(nodePort, spec, viewOf(namespace('shop', { tier: 'tenant' }))), ['SVC-NODEPORT'])
  t.same(rules(nodePort, spec, viewOf(namespace('other', { tier: 'platform' }))), ['SVC-NODEPORT'], 'namespace not in the view')
  t.same(rules(nodePort, spec), ['SVC-NODEPORT'], 'unknown labels never exempt')
})

t.test('exception namespaceSelector narrows the exception to matching namespaces', async (t) => {
  const spec = `exceptions:
  - { name: edge, rules: [SVC-NODEPORT], namespaces: ["sh*"], namespaceSelector: { matchExpressions: [{ key: edge, operator: Exists }] }, reason: edge nodes }`
  t.same(rules(nodePort, spec, viewOf(namespace('shop', { edge: '' }))), [])
  t.same(rules(nodePort, spec, viewOf(namespace('shop', {}))), ['SVC-NODEPORT'])
  t.same(rules(nodePort, spec), ['SVC-NODEPORT'], 'unknown labels: the exception does not apply')
})

t.test('a Namespace is matched by its own labels on CREATE and by its previous labels on UPDATE', async (t) => {
  const policy = policyWith('exemptions: { namespaceSelector: { matchLabels: { tier: platform } } }')
  const platform = namespace('infra', { tier: 'platform' })
  const plain = namespace('infra', {})
  const exemption = (object: KubeObject, options?: Parameters<typeof contextFor>[1]) => exemptionOf({ ...contextFor(object, options), object }, policy)
  t.equal(exemption(platform), 'namespaceSelector')
  t.equal(exemption(plain), undefined)
  t.equal(exemption(platform, { operation: 'UPDATE', oldObject: plain }), undefined, 'adding the label does not exempt the request that adds it')
  t.equal(exemption(plain, { operation: 'UPDATE', oldObject: platform }), 'namespaceSelector')
  t.same(mutate(platform, contextFor(platform), policy).changes, [], 'exempt namespaces are not labelled')
  t.same(mutate(plain, contextFor(plain), policy).changes.map((change) => change.ruleId), ['NS-ISOLATION'])
})
