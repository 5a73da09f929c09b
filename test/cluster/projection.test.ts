import { readFileSync, readdirSync } from 'node:fs'
import t from 'tap'
import { CACHED_RESOURCES } from '../../src/cluster/caches.ts'
import { CACHE_SHAPES, project, projectionFor } from '../../src/cluster/projection.ts'
import { readManifests } from '../../src/cli/manifests.ts'
import type { CompiledPolicy } from '../../src/engine/policy.ts'
import { RULES } from '../../src/engine/rules/index.ts'
import type { ClusterView, Violation } from '../../src/engine/types.ts'
import { isClusterScoped } from '../../src/kube/kinds.ts'
import { NAMESPACES, type ResourceType } from '../../src/kube/resources.ts'
import { kindKey, parseApiVersion, type KubeObject } from '../../src/kube/types.ts'
import { clusterWith } from '../helpers/cluster-view.ts'
import { contextFor, evaluate, policyWith } from '../helpers/policy.ts'
import { LAST_APPLIED, realNamespace, realRoute, realService } from '../helpers/real-objects.ts'

// The caches keep only the fields readers need (src/cluster/projection.ts). This holds that to
// the rules themselves: every object of the corpus is reviewed against a cluster made of the
// corpus, once with whole objects and once with what the caches keep, under several settings of
// every rule that reads the cluster, and the verdicts must be the same. A rule that starts
// reading a field the projection drops changes some verdict here and fails this test, provided
// the corpus holds an object where that field matters; the coverage checks below make sure each
// rule's verdicts depend on the cluster in the corpus at all.

const ROOT = new URL('../../', import.meta.url)
const READING_RULES = RULES.filter((rule) => (rule.reads ?? []).length > 0).map((rule) => rule.id)
const CACHED = new Map(CACHED_RESOURCES.map((resource) => [kindKey(resource), resource]))
const READ_BY_RULES = new Set(RULES.flatMap((rule) => rule.reads ?? []).map(kindKey))
const RECONCILER_ONLY = new Set([...CACHED.keys()].filter((key) => !READ_BY_RULES.has(key) && key !== kindKey(NAMESPACES)))

function cachedResourceOf (object: KubeObject): ResourceType | undefined {
  return CACHED.get(kindKey({ group: parseApiVersion(object.apiVersion).group, kind: object.kind ?? '' }))
}

/** Manifests of the repository's examples, fixtures and conformance corpus, plus real-shaped objects. */
async function corpus (): Promise<KubeObject[]> {
  const paths = ['test/fixtures/projection', 'test/fixtures/audit', 'test/fixtures/manifests/app', 'test/fixtures/manifests/state', 'examples/check', 'test/conformance/corpus']
  const { manifests } = await readManifests(paths.map((path) => new URL(path, ROOT).pathname), async () => '')
  const reviews = readdirSync(new URL('examples/reviews/', ROOT)).map((file) =>
    JSON.parse(readFileSync(new URL(`examples/reviews/${file}`, ROOT), 'utf8')) as { request: { object?: KubeObject | null, namespace?: string } })
  const nads = readdirSync(new URL('test/fixtures/network-attachment/', ROOT)).map((file, index): KubeObject => ({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: `fixture-${index}`, namespace: index % 2 === 0 ? 'shop' : 'tenant' },
    spec: { config: readFileSync(new URL(`test/fixtures/network-attachment/${file}`, ROOT), 'utf8') }
  }))
  const real = [0, 1, 2].flatMap((index) => [realNamespace(index), realService(index * 6, 3, 6), realService(index * 6 + 1, 3, 6), realRoute(index * 2, 3, 2)])
  const objects = [
    ...manifests.map((manifest) => manifest.object),
    ...reviews.flatMap(({ request }) => request.object === null || request.object === undefined ? [] : [{ ...request.object, metadata: { namespace: request.namespace, ...request.object.metadata } }]),
    ...nads,
    ...real
  ]
  return objects.filter((object) => typeof object.kind === 'string' && object.kind !== 'List' && typeof object.metadata?.name === 'string')
}

/** The cluster: every cached-kind object of the corpus, a copy of each in another namespace and a renamed copy beside it. */
function clusterState (objects: readonly KubeObject[]): KubeObject[] {
  const state: KubeObject[] = []
  for (const object of objects) {
    const resource = cachedResourceOf(object)
    if (resource === undefined) continue
    if (!resource.namespaced) {
      state.push(object, { ...object, metadata: { ...object.metadata, name: `${object.metadata?.name ?? ''}-copy` } })
      continue
    }
    const home = { ...object, metadata: { ...object.metadata, namespace: object.metadata?.namespace ?? 'tenant' } }
    state.push(home, { ...home, metadata: { ...home.metadata, namespace: 'twin' } }, { ...home, metadata: { ...home.metadata, name: `${home.metadata.name ?? ''}-copy` } })
  }
  state.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'twin', labels: { 'kubernetes.io/metadata.name': 'twin' } } })
  return state
}

/** Every rule that reads the cluster switched on, under settings that each look at other fields. */
const VARIANTS: readonly string[] = [
  `
exemptions: { namespaceSelector: { matchLabels: { netguard.io/exempt: "true" } } }
rules:
  ROUTE-HOST-OWNERSHIP: { action: deny }
  ING-HOST-UNIQUE: { action: deny }
  SVC-EXTERNAL-DNS-UNIQUE: { action: deny }
  SVC-UNIQUE-SELECTOR: { action: deny, match: identical }
  NAD-IPAM-OVERLAP: { action: deny }
  EGRESSIP-UNIQUE: { action: deny }
  POD-NETPOL-REQUIRED: { action: deny }
`,
  `
exceptions:
  - { name: tools, rules: [SVC-EXTERNAL-DNS-UNIQUE], namespaces: ["*"], namespaceSelector: { matchLabels: { team: shop } }, reason: test }
rules:
  ROUTE-HOST-OWNERSHIP: { action: deny, namespaceOwnership: InterNamespaceAllowed, sameNamespace: sameHost }
  ING-HOST-UNIQUE: { action: deny, match: hostAndPath, scope: allNamespaces }
  SVC-EXTERNAL-DNS-UNIQUE: { action: deny, annotations: [external-dns.alpha.kubernetes.io/hostname, custom.example.com/dns] }
  SVC-UNIQUE-SELECTOR: { action: warn, match: contains }
  NAD-IPAM-OVERLAP: { action: deny }
  EGRESSIP-UNIQUE: { action: deny }
  POD-NETPOL-REQUIRED: { action: deny, ignoreSelectAll: true }
`,
  `
rules:
  ROUTE-HOST-OWNERSHIP: { action: deny, sameNamespace: none }
  ING-HOST-UNIQUE: { action: deny, match: topPathSegment, allowWhenNamespaceHolds: true }
`
]

interface Review { readonly object: KubeObject, readonly operation: 'CREATE' | 'UPDATE' }

function verdicts (reviews: readonly Review[], policy: CompiledPolicy, cluster: ClusterView): (readonly Violation[])[] {
  return reviews.map(({ object, operation }) => evaluate(object, contextFor(object, {
    operation,
    oldObject: operation === 'UPDATE' ? object : undefined,
    namespace: isClusterScoped(object.kind ?? '') ? (object.kind === 'Namespace' ? object.metadata?.name : undefined) : object.metadata?.namespace ?? 'tenant',
    cluster
  }), policy))
}

function projectedState (state: readonly KubeObject[], keep: (resource: ResourceType) => (object: KubeObject) => KubeObject): KubeObject[] {
  const transforms = new Map<ResourceType, (object: KubeObject) => KubeObject>()
  return state.map((object) => {
    const resource = cachedResourceOf(object) as ResourceType
    if (!transforms.has(resource)) transforms.set(resource, keep(resource))
    return (transforms.get(resource) as (object: KubeObject) => KubeObject)(object)
  })
}

t.test('every rule gives the same verdicts on what the caches keep as on whole objects', async (t) => {
  const objects = await corpus()
  const state = clusterState(objects)
  const reviews = objects.flatMap((object): Review[] => [{ object, operation: 'CREATE' }, { object, operation: 'UPDATE' }])
  const kept = projectedState(state, projectionFor)
  t.ok(objects.length > 150, `a corpus of ${objects.length} objects, ${state.length} in the cluster`)
  t.same([...new Set(state.map((object) => cachedResourceOf(object)?.kind))].sort(), CACHED_RESOURCES.map((resource) => resource.kind).sort(), 'every cached kind is in the cluster')

  const decidedByCluster = new Set<string>()
  for (const [index, variant] of VARIANTS.entries()) {
    const policy = policyWith(variant)
    const whole = verdicts(reviews, policy, clusterWith(state))
    const projected = verdicts(reviews, policy, clusterWith(kept))
    const differing = reviews.filter((_, at) => JSON.stringify(whole[at]) !== JSON.stringify(projected[at]))
    t.same(differing.map(({ object, operation }) => `${operation} ${object.kind ?? ''} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`), [], `variant ${index + 1}: same verdicts`)
    // Which rules' verdicts the cluster decides here: those that change when it is empty.
    const empty = verdicts(reviews, policy, clusterWith([]))
    for (const [at, found] of whole.entries()) {
      const without = new Set((empty[at] ?? []).map((violation) => JSON.stringify(violation)))
      for (const violation of found) if (!without.has(JSON.stringify(violation))) decidedByCluster.add(violation.ruleId)
      for (const violation of empty[at] ?? []) if (!found.some((other) => JSON.stringify(other) === JSON.stringify(violation))) decidedByCluster.add(violation.ruleId)
    }
  }
  t.same([...decidedByCluster].filter((id) => READING_RULES.includes(id)).sort(), [...READING_RULES].sort(), 'the cluster decides some verdict of every rule that reads it')
})

t.test('the comparison fails when the caches drop a field a rule reads', async (t) => {
  const objects = await corpus()
  const state = clusterState(objects)
  const reviews = objects.map((object): Review => ({ object, operation: 'CREATE' }))
  const policy = policyWith(VARIANTS[0])
  const whole = verdicts(reviews, policy, clusterWith(state))
  // Each kind a rule reads in turn loses everything but its identity: some verdict must change.
  // (The kinds only the reconciler reads are held to its plan by test/reconciler: a dropped field
  // there is a write on every pass.)
  for (const dropped of CACHED_RESOURCES.filter((resource) => !RECONCILER_ONLY.has(kindKey(resource)))) {
    const identityOnly = (resource: ResourceType) => resource === dropped
      ? (object: KubeObject) => project(object, { apiVersion: true, kind: true, metadata: { name: true, namespace: true } }) as KubeObject
      : projectionFor(resource)
    const crippled = verdicts(reviews, policy, clusterWith(projectedState(state, identityOnly)))
    const changed = reviews.filter((_, at) => JSON.stringify(whole[at]) !== JSON.stringify(crippled[at])).length
    t.ok(changed > 0, `${dropped.kind} without its fields: ${changed} verdicts change`)
  }
})

t.test('what is dropped: managedFields, status, last-applied-configuration, Route TLS material', async (t) => {
  const service = realService(0, 1, 6)
  const kept = projectionFor(CACHED.get('Service') as ResourceType)(service)
  const { [LAST_APPLIED]: _lastApplied, ...annotations } = service.metadata?.annotations ?? {}
  t.same(kept, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service.metadata?.name, namespace: service.metadata?.namespace, annotations },
    spec: { selector: (service.spec as { selector: unknown }).selector }
  })
  t.ok(JSON.stringify(kept).length * 4 < JSON.stringify(service).length, `${JSON.stringify(kept).length} of ${JSON.stringify(service).length} bytes kept`)
  const route = projectionFor(CACHED.get('Route.route.openshift.io') as ResourceType)({
    apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'r', namespace: 'shop', resourceVersion: '7' }, spec: { host: 'a.example.com', tls: { termination: 'edge', key: 'KEY' } }
  })
  t.same(route, { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'r', namespace: 'shop', resourceVersion: '7' }, spec: { host: 'a.example.com' } })
  t.ok(CACHED_RESOURCES.every((resource) => CACHE_SHAPES.has(kindKey(resource))), 'every cached kind has a shape')
  const onlyBookkeeping = projectionFor(CACHED.get('Service') as ResourceType)({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop', annotations: { [LAST_APPLIED]: '{}' } }, spec: { selector: { app: 'db' } }
  })
  t.same(Object.keys(onlyBookkeeping.metadata ?? {}), ['name', 'namespace'], 'no empty annotations object is kept')
})
