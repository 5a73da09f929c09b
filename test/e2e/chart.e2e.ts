// Backend: none of the cluster; the real `helm` v3 binary that `npm run e2e` builds. `npm test`
// renders the chart with the repository's own Go-template interpreter
// (test/helpers/helm-template.ts); this checks that interpreter against Helm itself, object by
// object, for value sets that take the templates' different branches.
import t from 'tap'
import { join } from 'node:path'
import { E2E_IMAGE, e2eValues, renderWithHelm, renderWithInterpreter, type Manifest } from './harness/chart.ts'
import { readState } from './harness/state.ts'

const state = readState()
const helm = join(state.binDir, 'helm')

const VALUE_SETS: Record<string, Record<string, unknown>> = {
  'defaults, with an image': { image: E2E_IMAGE },
  'the e2e values': e2eValues(),
  openshift: { image: E2E_IMAGE, openshift: true },
  'everything optional on': {
    image: E2E_IMAGE,
    certificates: { provider: 'certManager' },
    audit: { enabled: true },
    autoscaling: { enabled: true },
    metrics: { serviceMonitor: { enabled: true } },
    networkPolicy: { apiServerPeers: [{ ipBlock: { cidr: '10.0.0.0/24' } }] },
    webhook: { excludeResources: [], ignoreLabel: '' },
    policies: { files: { 'extra.yaml': 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nmetadata: {name: extra}\nspec: {}\n' } }
  },
  // The exemptions the webhooks are built from: every kind of glob (exact, prefix, ? and inner *)
  // across two documents, a cluster before 1.28, a webhook URL, dual-stack, policies the chart cannot read.
  'a policy in values, with every kind of glob': {
    image: E2E_IMAGE,
    policies: { files: { '00-global.yaml': 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nmetadata: {name: global}\nspec:\n  exemptions:\n    namespaces: [team-a, "infra-*", "lab-?", "a*b.c"]\n    users: ["ci-bot", "*@platform.example.com"]\n---\napiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nmetadata: {name: more}\nspec:\n  exemptions:\n    groups: [platform-admins]\n' } }
  },
  'no matchConditions, a webhook URL, dual-stack': {
    image: E2E_IMAGE,
    webhook: { matchConditions: false, url: 'https://127.0.0.1:8443' },
    service: { ipFamilyPolicy: 'RequireDualStack' },
    resources: { limits: { memory: '1Gi' } }
  },
  'policies from an existing ConfigMap': { image: E2E_IMAGE, policies: { existingConfigMap: 'corp-policies' } }
}

/** Keyed by kind/namespace/name; the self-signed CA and pair are random on each render. */
function byKey (objects: readonly Manifest[]): Map<string, Manifest> {
  return new Map(objects.map((object) => {
    const copy = structuredClone(object)
    if (copy.kind === 'Secret' && copy.type === 'kubernetes.io/tls') copy.data = 'generated'
    for (const webhook of (copy.webhooks ?? []) as Array<{ clientConfig: { caBundle?: string } }>) {
      if (webhook.clientConfig.caBundle !== undefined) webhook.clientConfig.caBundle = 'generated'
    }
    return [`${copy.kind}/${copy.metadata.namespace ?? ''}/${copy.metadata.name}`, copy]
  }))
}

for (const [name, values] of Object.entries(VALUE_SETS)) {
  t.test(`helm and the test interpreter render the chart alike: ${name}`, async (t) => {
    const real = byKey(renderWithHelm(helm, values, state.kubeVersion))
    const ours = byKey(renderWithInterpreter(values, state.kubeVersion))
    t.same([...ours.keys()].sort(), [...real.keys()].sort(), 'the same objects')
    for (const [key, object] of real) {
      if (ours.has(key)) t.same(ours.get(key), object, key)
    }
  })
}
