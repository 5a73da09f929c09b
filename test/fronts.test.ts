import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fastJsonPatch from 'fast-json-patch'
import t from 'tap'
import { parse } from 'yaml'
import { buildApp } from '../src/admission/app.ts'
import { parseManifests } from '../src/cli/manifests.ts'
import { CACHED_RESOURCES, ClusterCaches } from '../src/cluster/caches.ts'
import { RULES } from '../src/engine/rules/index.ts'
import { withNamespace } from '../src/engine/subject.ts'
import { kindOf } from '../src/kube/kinds.ts'
import { openKubePort } from '../src/kube/port.ts'
import { NAMESPACES, resourceFor } from '../src/kube/resources.ts'
import { kindKey, type KubeObject } from '../src/kube/types.ts'
import { loadPolicyDir } from '../src/policy/load.ts'
import { runCliWith } from './helpers/cli.ts'
import { FakeApiServer } from './helpers/fake-apiserver.ts'
import { captureLog } from './helpers/log.ts'
import { fixedPolicies, reviewOf } from './helpers/review.ts'
import { until } from './helpers/wait.ts'

// The promise of netguard: a manifest gets the same verdict in a pull request (`check`), in the
// cluster (the webhooks, called as the API server calls them) and in a cluster scan (`audit`).
// Every object of the conformance corpus and of examples/ goes through all three fronts, with
// the bundled policy, in enforce mode, as the same tenant, against the same cluster: the
// objects themselves (as `--cluster-state` files, as informer caches, as the audit's listing).

const ROOT = new URL('../', import.meta.url).pathname
const POLICIES = join(ROOT, 'policies')
/** A tenant, exempt by neither user nor group: the user audit reviews as. */
const USER = { username: 'netguard-audit', groups: ['system:authenticated'] }
const MINIMUM_OBJECTS = 290

type Judgement = { readonly verdict: 'deny' | 'allow', readonly rules: readonly string[] }

/** Every Kubernetes object of the corpus (cases, previous versions, mocked state) and of examples/. */
function corpusObjects (): KubeObject[] {
  const yamlFiles = (dir: string): string[] => readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name) && entry.name !== 'cases.yaml')
    .map((entry) => join(entry.parentPath, entry.name)).sort()
  const fromYaml = [...yamlFiles(join(ROOT, 'test/conformance/corpus')), ...yamlFiles(join(ROOT, 'examples'))]
    .flatMap((file) => parseManifests(file, readFileSync(file, 'utf8')).manifests.map((manifest) => manifest.object))
  const mocked = yamlFiles(join(ROOT, 'test/conformance')).filter((file) => file.endsWith('/netguard-test.yaml'))
    .flatMap((file) => (parse(readFileSync(file, 'utf8')) as { cases: { clusterState?: unknown[] }[] }).cases
      .flatMap((item) => (item.clusterState ?? []).filter((entry): entry is KubeObject => typeof entry === 'object')))
  const reviewDir = join(ROOT, 'examples/reviews')
  const reviewed = readdirSync(reviewDir).filter((name) => name.endsWith('.json')).sort().flatMap((name) => {
    const { request } = JSON.parse(readFileSync(join(reviewDir, name), 'utf8')) as { request: { object?: KubeObject | null, oldObject?: KubeObject | null } }
    return [request.object, request.oldObject].filter((object): object is KubeObject => object !== undefined && object !== null)
  })
  return [...fromYaml, ...mocked, ...reviewed]
}

/**
 * The objects as one cluster can hold them: in `default` when they name no namespace, with a
 * name each (a second object of a kind, namespace and name gets a suffix), every namespace
 * present. Kinds without an API resource (Gatekeeper constraints, kyverno values) are left out:
 * no rule looks at them, and the API server would not hold them.
 */
function asOneCluster (objects: readonly KubeObject[]): { cluster: KubeObject[], left: KubeObject[] } {
  const cluster: KubeObject[] = []
  const left: KubeObject[] = []
  const taken = new Set<string>()
  for (const [index, original] of objects.entries()) {
    if (resourceFor(kindOf(original)) === undefined) {
      left.push(original)
      continue
    }
    const object = withNamespace(original, 'default')
    const base = object.metadata?.name ?? `${object.metadata?.generateName ?? 'unnamed-'}${index}`
    const key = (name: string): string => `${kindKey(kindOf(object))}/${object.metadata?.namespace ?? ''}/${name}`
    let name = base
    for (let copy = 2; taken.has(key(name)); copy++) name = `${base}-${copy}`
    taken.add(key(name))
    cluster.push({ ...object, metadata: { ...object.metadata, name } })
  }
  const namespaces = new Set(cluster.filter((object) => object.kind === 'Namespace').map((object) => object.metadata?.name))
  for (const namespace of new Set(cluster.map((object) => object.metadata?.namespace).filter((name) => name !== undefined))) {
    if (!namespaces.has(namespace)) cluster.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })
  }
  return { cluster, left }
}

const identity = (object: { kind?: string, namespace?: string, name?: string }): string => `${object.kind ?? ''} ${object.namespace ?? ''}/${object.name ?? ''}`
const sorted = (rules: Iterable<string>): string[] => [...new Set(rules)].sort()

t.test('check, the webhooks and audit agree on every object of the corpus and the examples', async (t) => {
  const objects = corpusObjects()
  const { cluster, left } = asOneCluster(objects)
  t.ok(objects.length >= MINIMUM_OBJECTS, `${objects.length} objects read (at least ${MINIMUM_OBJECTS})`)
  t.same(sorted(left.map((object) => kindKey(kindOf(object)))), sorted(left.map((object) => kindKey(kindOf(object))).filter((kind) => kind.includes('gatekeeper.sh') || kind.includes('kyverno.io'))),
    'only policy-engine objects, which no API server serves, are left out')

  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  for (const object of cluster) fake.put(resourceFor(kindOf(object)) ?? NAMESPACES, object)
  const dir = t.testdir()
  const kubeconfig = fake.writeKubeconfig(dir)

  // check: the manifests, and the same manifests as the cluster's state.
  const manifests = join(dir, 'manifests.json')
  writeFileSync(manifests, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: cluster }))
  const checked = await runCliWith(['check', '-f', manifests, '--cluster-state', manifests, '--policies', POLICIES, '--mode', 'enforce', '--user', USER.username, '-o', 'json'])
  t.equal(checked.stderr, '')
  const checkReport = JSON.parse(checked.stdout) as { results: { kind: string, namespace?: string, name: string, verdict: string, violations: { rule: string, action: string }[], mutations: { rule: string, action: string }[] }[] }
  const byCheck = new Map<string, Judgement>(checkReport.results.map((result) => [identity(result), {
    verdict: result.verdict === 'deny' ? 'deny' : 'allow',
    rules: sorted([...result.violations, ...result.mutations].map(({ rule, action }) => `${rule}:${action}`))
  }]))

  // audit: the API-server double holding them, listed page by page.
  const audited = await runCliWith(['audit', '--kubeconfig', kubeconfig, '--policies', POLICIES, '-o', 'json', '--chunk-size', '50'])
  t.equal(audited.stderr, '')
  const auditReport = JSON.parse(audited.stdout) as { objects: number, findings: { kind: string, namespace?: string, name: string, verdict: string, violations: { rule: string, action: string }[], changes: { rule: string, action: string }[] }[] }
  t.equal(auditReport.objects, cluster.length, 'audit lists every object the cluster holds')
  // Audit reviews what already exists and cannot know who created it: an object in an exempt
  // namespace is exempt (no findings), also from the rules that guard exemptions at creation
  // (NS-EXEMPT-NAME: the platform created openshift-ingress; a tenant's manifest of it is denied).
  const guarding = new Set(RULES.filter((rule) => rule.guardsExemptions === true).map((rule) => rule.id))
  const onlyGuards = (judgement: Judgement): boolean => judgement.rules.length > 0 && judgement.rules.every((finding) => guarding.has(finding.split(':')[0] ?? ''))
  const byAudit = new Map<string, Judgement>(auditReport.findings.map((finding) => [identity(finding), {
    verdict: finding.verdict === 'deny' ? 'deny' : 'allow',
    rules: sorted([...finding.violations, ...finding.changes].map(({ rule, action }) => `${rule}:${action}`))
  }]))

  // The webhooks: informer caches over the same double, the mutating review, then the validating
  // review of the object as patched, as the API server calls them.
  const policy = await loadPolicyDir(POLICIES)
  const caches = new ClusterCaches(await openKubePort({ type: 'kubeconfig', files: [kubeconfig] }), { log: captureLog().log }, CACHED_RESOURCES)
  caches.start()
  t.teardown(() => caches.stop())
  await until('every cache synced', () => Object.values(caches.states()).every((state) => state !== 'unknown'), 20_000)
  const app = buildApp({ policies: fixedPolicies(policy), mode: 'enforce', logger: captureLog().log, cluster: caches })
  t.teardown(() => app.close())
  const byWebhook = new Map<string, Judgement>()
  for (const object of cluster) {
    const request = { username: USER.username, groups: USER.groups }
    const mutated = (await app.inject({ method: 'POST', url: '/mutate', payload: reviewOf(object, request) })).json<{ response: AdmissionResponse }>().response
    const patched = mutated.patch === undefined
      ? object
      : fastJsonPatch.applyPatch(structuredClone(object), JSON.parse(Buffer.from(mutated.patch, 'base64').toString('utf8')) as fastJsonPatch.Operation[]).newDocument
    const validated = (await app.inject({ method: 'POST', url: '/validate', payload: reviewOf(patched, request) })).json<{ response: AdmissionResponse }>().response
    const annotated = (response: AdmissionResponse, key: string): string[] =>
      (JSON.parse(response.auditAnnotations?.[key] ?? '[]') as { rule: string, action: string }[]).map(({ rule, action }) => `${rule}:${action}`)
    byWebhook.set(identity({ kind: object.kind, namespace: object.metadata?.namespace, name: object.metadata?.name }), {
      verdict: validated.allowed && mutated.allowed ? 'allow' : 'deny',
      rules: sorted([...annotated(validated, 'violations'), ...annotated(mutated, 'mutations')])
    })
  }

  const nothing: Judgement = { verdict: 'allow', rules: [] }
  const disagreements: string[] = []
  for (const [object, webhook] of byWebhook) {
    const check = byCheck.get(object)
    const audit = byAudit.get(object) ?? (onlyGuards(webhook) ? webhook : nothing)
    const line = (judgement: Judgement | undefined): string => judgement === undefined ? 'missing' : `${judgement.verdict} [${judgement.rules.join(', ')}]`
    if (line(check) !== line(webhook) || line(audit) !== line(webhook)) {
      disagreements.push(`${object}: webhook ${line(webhook)}, check ${line(check)}, audit ${line(audit)}`)
    }
  }
  t.equal(byWebhook.size, cluster.length, 'the webhooks reviewed every object')
  t.equal(byCheck.size, cluster.length, 'check reviewed every object')
  t.same(disagreements, [], 'one verdict and the same rules from every front')
  const denied = [...byWebhook.values()].filter((judgement) => judgement.verdict === 'deny').length
  t.ok(denied > 50 && denied < cluster.length - 50, `both verdicts are well represented (${denied} of ${cluster.length} denied)`)
})

interface AdmissionResponse {
  readonly allowed: boolean
  readonly patch?: string
  readonly auditAnnotations?: Record<string, string>
}
