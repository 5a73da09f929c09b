import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { evaluate } from '@marcbachmann/cel-js'
import t, { type Test } from 'tap'
import { parse } from 'yaml'
import { decodeReview } from '../../src/admission/review.ts'
import { exemptionOf } from '../../src/engine/match.ts'
import type { CompiledPolicy } from '../../src/engine/policy.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { compilePolicy } from '../../src/policy/compile.ts'
import { parseSource } from '../../src/policy/parse.ts'
import { CHART_DIR, selects } from '../helpers/chart.ts'
import { overlay, renderChart } from '../helpers/helm-template.ts'

// What the API server would send to netguard, worked out from the rendered webhook
// configurations as the API server reads them (rules, namespaceSelector, objectSelector,
// matchConditions evaluated as CEL, with the request fields it leaves out when empty), and
// compared with what the policy the server loads exempts (src/engine/match.ts). The webhook
// configurations may leave out only what the policy exempts, and with matchConditions on they
// leave out all of it: neither can drift from the other.
type Obj = Record<string, any>

const IMAGE = { image: { repository: 'registry.example.com/netguard/netguard' } }
const NAMESPACE = 'guard'

interface Rendered {
  readonly webhooks: Obj[]
  readonly validating: Obj[]
  readonly mutating: Obj[]
  readonly policy: CompiledPolicy
}

/** The chart rendered with `values`, and the policy its ConfigMap gives the server. */
function renderWith (values: Obj = {}): Rendered {
  const rendered = renderChart(CHART_DIR, { values: overlay(IMAGE, values) as Obj, namespace: NAMESPACE })
  const data = rendered.find('ConfigMap', 'netguard-policies')?.data as Record<string, string>
  const policy = compilePolicy(Object.entries(data).flatMap(([name, text]) => parseSource(name, text).documents), { ownNamespace: NAMESPACE })
  const validating = (rendered.find('ValidatingWebhookConfiguration')?.webhooks ?? []) as Obj[]
  const mutating = (rendered.find('MutatingWebhookConfiguration')?.webhooks ?? []) as Obj[]
  return { webhooks: [...validating, ...mutating], validating, mutating, policy }
}

interface Probe {
  readonly label: string
  readonly group?: string
  readonly kind: string
  readonly resource: string
  readonly namespace?: string
  readonly name: string
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE'
  readonly username: string
  readonly groups: readonly string[]
  readonly object?: KubeObject
  readonly oldObject?: KubeObject
  /** Labels of the request's namespace (for a Namespace, its own). */
  readonly namespaceLabels?: Record<string, string>
}

/** The AdmissionRequest as the API server builds it for CEL: empty fields are left out (omitempty). */
function celRequest (probe: Probe): Obj {
  const userInfo: Obj = { username: probe.username }
  if (probe.groups.length > 0) userInfo.groups = [...probe.groups]
  return {
    uid: 'u',
    kind: { group: probe.group ?? '', version: 'v1', kind: probe.kind },
    resource: { group: probe.group ?? '', version: 'v1', resource: probe.resource },
    ...(probe.name === '' ? {} : { name: probe.name }),
    ...(probe.namespace === undefined ? {} : { namespace: probe.namespace }),
    operation: probe.operation,
    userInfo
  }
}

/**
 * Whether the API server calls `webhook` for `probe`; 'error' when a matchCondition fails to
 * evaluate (the API server then applies failurePolicy, which must never happen).
 */
function calls (webhook: Obj, probe: Probe): boolean | string {
  const ruleMatches = (webhook.rules as Obj[]).some((rule) => rule.resources.includes(probe.resource) &&
    rule.apiGroups.includes(probe.group ?? '') && rule.operations.includes(probe.operation))
  if (!ruleMatches) return false
  const isNamespace = probe.resource === 'namespaces'
  // A namespaceSelector sees the request's namespace, or a Namespace's own labels (old and new on UPDATE: either).
  if (probe.namespace !== undefined || isNamespace) {
    const objects = isNamespace ? [probe.object, probe.oldObject].filter((object) => object !== undefined) : []
    const labelSets = isNamespace ? objects.map((object) => ({ ...object?.metadata?.labels })) : [probe.namespaceLabels ?? {}]
    if (!labelSets.some((labels) => selects(webhook.namespaceSelector, labels))) return false
  }
  if (webhook.objectSelector !== undefined) {
    const objects = [probe.object, probe.oldObject].filter((object) => object !== undefined)
    if (!objects.some((object) => selects(webhook.objectSelector, { ...object?.metadata?.labels }))) return false
  }
  const context = { request: celRequest(probe), object: probe.object ?? null, oldObject: probe.oldObject ?? null }
  for (const condition of (webhook.matchConditions ?? []) as { name: string, expression: string }[]) {
    let result: unknown
    try {
      result = evaluate(condition.expression, context)
    } catch (error) {
      return `error in ${condition.name}: ${(error as Error).message.split('\n')[0] ?? ''}`
    }
    if (result !== true) return false
  }
  return true
}

/** Whether the server exempts `probe`, as the engine decides it (the review decoded as the webhook does). */
function exempt (policy: CompiledPolicy, probe: Probe): boolean {
  const review = decodeReview({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { ...celRequest(probe), object: probe.object ?? null, oldObject: probe.oldObject ?? null }
  }, new Date())
  return exemptionOf(review.subject, policy) !== undefined
}

const namespaceObject = (name: string, labels: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } })
const pod = (namespace: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace }, spec: { containers: [] } })

/** Values that match each glob, and near misses. */
function samples (globs: readonly string[]): string[] {
  return globs.flatMap((glob) => {
    const literal = glob.replace(/[*?]/g, '')
    return [glob.replace(/\*/g, 'x').replace(/\?/g, 'q'), glob.replace(/\*/g, ''), `${literal}-other`, `other-${literal}`]
  })
}

/** Probes from the policy's own exemptions plus ordinary tenant traffic: Pods, Namespaces, a cluster-scoped kind. */
function probesFor (policy: CompiledPolicy): Probe[] {
  const { exemptions } = policy
  const namespaces = [...samples(exemptions.namespaces.patterns), 'shop', 'default', 'kube-system', 'openshift-monitoring', NAMESPACE]
  const users = [...samples(exemptions.users.patterns), 'alice', 'system:serviceaccount:shop:deployer', 'system:serviceaccount:kube-system:replicaset-controller', 'system:serviceaccount:openshift-gitops:argocd-application-controller']
  const groups = [...samples(exemptions.groups.patterns), 'system:authenticated', 'system:masters', 'system:nodes']
  const probes: Probe[] = []
  for (const namespace of namespaces.filter((name) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))) {
    probes.push({ label: `Pod in ${namespace} by alice`, kind: 'Pod', resource: 'pods', namespace, name: 'web', operation: 'CREATE', username: 'alice', groups: ['system:authenticated'], object: pod(namespace), namespaceLabels: { 'kubernetes.io/metadata.name': namespace } })
    probes.push({ label: `Namespace ${namespace} created by alice`, kind: 'Namespace', resource: 'namespaces', name: namespace, operation: 'CREATE', username: 'alice', groups: ['system:authenticated'], object: namespaceObject(namespace) })
  }
  for (const username of users) {
    probes.push({ label: `Pod in shop by ${username}`, kind: 'Pod', resource: 'pods', namespace: 'shop', name: 'web', operation: 'CREATE', username, groups: ['system:authenticated'], object: pod('shop'), namespaceLabels: { 'kubernetes.io/metadata.name': 'shop' } })
  }
  for (const group of groups) {
    probes.push({ label: `Pod in shop by bob of ${group}`, kind: 'Pod', resource: 'pods', namespace: 'shop', name: 'web', operation: 'CREATE', username: 'bob', groups: [group], object: pod('shop'), namespaceLabels: { 'kubernetes.io/metadata.name': 'shop' } })
  }
  probes.push({ label: 'a request without groups', kind: 'Pod', resource: 'pods', namespace: 'shop', name: 'web', operation: 'CREATE', username: 'carol', groups: [], object: pod('shop'), namespaceLabels: { 'kubernetes.io/metadata.name': 'shop' } })
  probes.push({ label: 'a Namespace created with generateName (no name yet)', kind: 'Namespace', resource: 'namespaces', name: '', operation: 'CREATE', username: 'alice', groups: ['system:authenticated'], object: namespaceObject('') })
  probes.push({ label: 'a cluster-scoped EgressIP', group: 'k8s.ovn.org', kind: 'EgressIP', resource: 'egressips', name: 'egress', operation: 'CREATE', username: 'alice', groups: ['system:authenticated'], object: { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name: 'egress' }, spec: { egressIPs: [] } } })
  const managed: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'netguard-deny-by-default', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'netguard' } }, spec: { podSelector: {} } }
  for (const username of ['alice', `system:serviceaccount:${NAMESPACE}:netguard`]) {
    probes.push({ label: `DELETE of a managed NetworkPolicy in shop by ${username}`, group: 'networking.k8s.io', kind: 'NetworkPolicy', resource: 'networkpolicies', namespace: 'shop', name: managed.metadata?.name ?? '', operation: 'DELETE', username, groups: ['system:authenticated'], oldObject: managed, namespaceLabels: { 'kubernetes.io/metadata.name': 'shop' } })
  }
  return probes
}

/** The validating and mutating main entries call for exactly what the policy does not exempt. */
function checkAgainstPolicy (t: Test, rendered: Rendered, options: { exact: boolean }): void {
  const main = [rendered.validating.find((webhook) => webhook.name === 'validate.netguard.io'), rendered.mutating[0]]
  let checked = 0
  for (const probe of probesFor(rendered.policy)) {
    const isExemptHere = exempt(rendered.policy, probe)
    for (const webhook of main) {
      if (webhook === undefined) continue
      const called = calls(webhook, probe)
      if (typeof called === 'string') {
        t.fail(`${webhook.name as string}: ${probe.label}: ${called}`)
        continue
      }
      const registered = (webhook.rules as Obj[]).some((rule) => rule.resources.includes(probe.resource) && rule.operations.includes(probe.operation))
      if (!registered) continue
      checked++
      if (!isExemptHere && !called) t.fail(`${webhook.name as string} skips ${probe.label}, which the policy does not exempt`)
      if (options.exact && isExemptHere && called) t.fail(`${webhook.name as string} calls netguard for ${probe.label}, which the policy exempts`)
    }
  }
  t.ok(checked > 50, `${checked} requests compared with the policy's exemptions`)
}

t.test('with the bundled policy: the API server calls netguard for exactly what the policy does not exempt', async (t) => {
  const rendered = renderWith()
  checkAgainstPolicy(t, rendered, { exact: true })
  const validate = rendered.validating[0] as Obj
  const tenantPod = probesFor(rendered.policy).find((probe) => probe.label === 'Pod in shop by system:serviceaccount:kube-system:replicaset-controller')
  if (tenantPod !== undefined) t.equal(calls(validate, tenantPod), !exempt(rendered.policy, tenantPod), 'a controller\'s Pod: called exactly when the policy does not exempt it')
  t.ok((validate.matchConditions as Obj[]).length <= 64, 'within the API server\'s 64 conditions')
  const names = validate.namespaceSelector.matchExpressions[0].values as string[]
  t.ok(names.includes(NAMESPACE), 'the release namespace is left out by name')
  t.notOk(names.some((name) => name.includes('*')), 'a selector holds exact names only')
})

t.test('with a policy given in values: its exemptions, and nothing else, are left out', async (t) => {
  const global = [
    'apiVersion: netguard.io/v1alpha1',
    'kind: NetworkGuardPolicy',
    'metadata: { name: global }',
    'spec:',
    '  mode: enforce',
    '  exemptions:',
    '    namespaces: ["team-a", "infra-*", "lab-?"]',
    '    users: ["ci-bot", "system:serviceaccount:argo:*", "*@platform.example.com"]',
    '---',
    'apiVersion: netguard.io/v1alpha1',
    'kind: NetworkGuardPolicy',
    'metadata: { name: more }',
    'spec:',
    '  exemptions:',
    '    groups: ["platform-admins"]',
    ''
  ].join('\n')
  const rendered = renderWith({ policies: { files: { '00-global.yaml': global } } })
  t.same(rendered.policy.exemptions.namespaces.patterns, ['team-a', 'infra-*', 'lab-?', NAMESPACE])
  checkAgainstPolicy(t, rendered, { exact: true })
  const probe = (namespace: string): Probe => ({ label: namespace, kind: 'Pod', resource: 'pods', namespace, name: 'web', operation: 'CREATE', username: 'alice', groups: ['system:authenticated'], object: pod(namespace), namespaceLabels: { 'kubernetes.io/metadata.name': namespace } })
  const validate = rendered.validating[0] as Obj
  t.equal(calls(validate, probe('kube-system')), true, 'kube-system is reviewed: this policy does not exempt it')
  t.equal(calls(validate, probe('infra-db')), false)
  t.equal(calls(validate, probe('lab-1')), false)
  t.equal(calls(validate, probe('lab-12')), true)
})

t.test('policies the chart cannot read (existingConfigMap): only its own namespace and service accounts are left out', async (t) => {
  const rendered = renderChart(CHART_DIR, { values: overlay(IMAGE, { policies: { existingConfigMap: 'corp' } }) as Obj, namespace: NAMESPACE })
  const validate = (rendered.find('ValidatingWebhookConfiguration')?.webhooks as Obj[])[0] as Obj
  t.same(validate.namespaceSelector.matchExpressions[0].values, [NAMESPACE])
  const text = JSON.stringify(validate.matchConditions)
  t.notMatch(text, /kube-|openshift-/, 'no assumed exemption')
  t.match(text, new RegExp(`system:serviceaccount:${NAMESPACE}:`))
})

t.test('without matchConditions (Kubernetes before 1.28): exact names by selector, never more than the policy exempts', async (t) => {
  const rendered = renderWith({ webhook: { matchConditions: false } })
  for (const webhook of rendered.webhooks) t.equal(webhook.matchConditions, undefined, `${webhook.name as string}: no matchConditions`)
  checkAgainstPolicy(t, rendered, { exact: false })
})

t.test('the labels that take a namespace out are guarded by an entry they do not skip', async (t) => {
  const rendered = renderWith({ mode: 'enforce', webhook: { failurePolicy: 'Fail' } })
  const guard = rendered.validating.find((webhook) => webhook.name === 'namespace-labels.netguard.io') as Obj
  t.ok(guard, 'a validating entry of its own')
  t.same(guard.rules, [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['namespaces'], scope: 'Cluster' }])
  t.equal(guard.namespaceSelector, undefined, 'every namespace, labelled or not')
  t.equal(guard.failurePolicy, 'Fail')
  const update = (username: string, before: Record<string, string>, after: Record<string, string>, groups = ['system:authenticated']): Probe =>
    ({ label: `${username}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`, kind: 'Namespace', resource: 'namespaces', name: 'shop', operation: 'UPDATE', username, groups, object: namespaceObject('shop', after), oldObject: namespaceObject('shop', before) })
  const main = rendered.validating[0] as Obj
  const cases: [Probe, boolean][] = [
    [update('alice', {}, { 'netguard.io/ignore': 'true' }), true],
    [update('alice', { 'netguard.io/ignore': 'true' }, {}), true],
    [update('alice', { 'netguard.io/ignore': 'true' }, { 'netguard.io/ignore': 'yes' }), true],
    [update('alice', {}, { 'netguard.io/ignore': '' }), true],
    [update('alice', {}, { 'openshift.io/run-level': '0' }), true],
    [update('alice', { 'openshift.io/run-level': '0' }, {}), true],
    [update('alice', { 'netguard.io/ignore': 'true' }, { 'netguard.io/ignore': 'true', team: 'b' }), false],
    [update('alice', {}, { team: 'b' }), false],
    [update(`system:serviceaccount:${NAMESPACE}:netguard`, {}, { 'netguard.io/ignore': 'true' }), false],
    [update('root', {}, { 'netguard.io/ignore': 'true' }, ['system:masters']), !exempt(rendered.policy, update('root', {}, { 'netguard.io/ignore': 'true' }, ['system:masters']))]
  ]
  for (const [probe, expected] of cases) t.equal(calls(guard, probe), expected, `guard: ${probe.label}`)
  const create: Probe = { label: 'created with the ignore label', kind: 'Namespace', resource: 'namespaces', name: 'sneaky', operation: 'CREATE', username: 'alice', groups: ['system:authenticated'], object: namespaceObject('sneaky', { 'netguard.io/ignore': 'true' }) }
  t.equal(calls(guard, create), true, 'a Namespace created with the ignore label')
  const named = (name: string, username = 'alice', groups = ['system:authenticated']): Probe =>
    ({ label: `${name} created by ${username}`, kind: 'Namespace', resource: 'namespaces', name, operation: 'CREATE', username, groups, object: namespaceObject(name) })
  t.equal(calls(guard, named('kube-evil')), true, 'a tenant creating a Namespace under an exempt name (NS-EXEMPT-NAME)')
  t.equal(calls(guard, named('openshift-evil')), true)
  t.equal(calls(guard, named(NAMESPACE)), true, 'the release namespace\'s name too')
  t.equal(calls(guard, named('shop')), false, 'an ordinary name is the main entry\'s')
  t.equal(calls(main, named('kube-evil')), false, 'which skips exempt names')
  t.equal(calls(guard, named('kube-evil', `system:serviceaccount:${NAMESPACE}:netguard`)), false, 'an exempt user creates one unasked')
  t.equal(calls(guard, { ...named('kube-evil'), operation: 'UPDATE', oldObject: namespaceObject('kube-evil') }), false, 'an update that changes no guarded label')
  t.equal(calls(main, update('alice', { 'netguard.io/ignore': 'true' }, { 'netguard.io/ignore': 'true', team: 'b' })), false, 'the main entry skips an ignored namespace')

  const legacy = renderWith({ webhook: { matchConditions: false } }).validating.find((webhook) => webhook.name === 'namespace-labels.netguard.io') as Obj
  t.same(legacy.objectSelector, { matchExpressions: [{ key: 'netguard.io/ignore', operator: 'Exists' }] }, 'without CEL: every Namespace that has or had the label')
  t.equal(legacy.failurePolicy, 'Ignore', 'and it cannot block')
  t.equal(calls(legacy, update('alice', {}, { 'netguard.io/ignore': 'true' })), true)
})

t.test('every ci/*-values.yaml renders conditions the API server can evaluate on every request, matching the policy', async (t) => {
  const dir = join(CHART_DIR, 'ci')
  for (const name of readdirSync(dir).filter((file) => file.endsWith('-values.yaml'))) {
    const values = parse(readFileSync(join(dir, name), 'utf8')) as Obj
    t.test(name, async (t) => {
      const rendered = renderWith(values)
      checkAgainstPolicy(t, rendered, { exact: values.webhook?.matchConditions !== false })
    })
  }
})
