// Backend: the real kube-apiserver and etcd started by `npm run e2e`. Only the real API server
// evaluates the chart's matchConditions and namespaceSelector: this file shows that what the
// policy exempts never reaches the webhook, so an outage of netguard (here: a copy of the chart's
// webhook configurations, failurePolicy Fail, pointed at a port where nothing listens) blocks
// the tenants' requests and none of the platform's.
import t from 'tap'
import { decodeReview } from '../../src/admission/review.ts'
import { reviewAdmission } from '../../src/engine/review.ts'
import { compilePolicy } from '../../src/policy/compile.ts'
import { parseSource } from '../../src/policy/parse.ts'
import { e2eValues, renderWithInterpreter, RELEASE, type Manifest } from './harness/chart.ts'
import { freePorts, USERS } from './harness/cluster.ts'
import { denialOf, e2eCluster, eventually, pathOf, tenantNamespace, uniqueName } from './harness/e2e.ts'
import { TENANT_ROLE } from './harness/setup.ts'

const cluster = e2eCluster()
t.teardown(() => cluster.close())

const rendered = renderWithInterpreter(e2eValues(), cluster.state.kubeVersion)
const policies = rendered.find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'netguard-policies')?.data as Record<string, string>
const policy = compilePolicy(Object.entries(policies).flatMap(([name, text]) => parseSource(name, text).documents), { ownNamespace: RELEASE.namespace })

/**
 * Whether netguard's policy waives every rule for a request, as the server decides it (both webhooks):
 * an exempt namespace still runs the guards of exemptions, so a tenant's `kube-*` Namespace is reviewed.
 */
function exempt (user: { name: string, groups: readonly string[] }, namespace: string | undefined, object: Record<string, unknown> & { kind: string, metadata: { name: string } }): boolean {
  const review = decodeReview({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u',
      kind: { group: '', version: 'v1', kind: object.kind },
      name: object.metadata.name,
      ...(namespace === undefined ? {} : { namespace }),
      operation: 'CREATE',
      userInfo: { username: user.name, groups: [...user.groups, 'system:authenticated'] },
      object
    }
  }, new Date())
  return reviewAdmission(review.subject, policy).rules.every((result) => result.status === 'skip')
}

// The tenant's namespace first: creating it goes through the webhooks too.
const tenantOwn = await tenantNamespace(cluster, 'outage')
const [deadPort] = await freePorts(1)
const outage = rendered
  .filter((object) => object.kind === 'ValidatingWebhookConfiguration' || object.kind === 'MutatingWebhookConfiguration')
  .map((object): Manifest => {
    const copy = structuredClone(object)
    copy.metadata = { name: 'netguard-outage' }
    for (const webhook of copy.webhooks as Array<{ clientConfig: Record<string, unknown> }>) {
      const path = (webhook.clientConfig.service as { path: string }).path
      webhook.clientConfig = { url: `https://127.0.0.1:${String(deadPort)}${path}`, caBundle: Buffer.from(cluster.state.netguard.ca).toString('base64') }
    }
    return copy
  })
for (const configuration of outage) {
  const created = await cluster.admin.create(pathOf(configuration, false), configuration)
  if (created.status !== 201) throw new Error(`outage webhook: ${created.status} ${JSON.stringify(created.body)}`)
}
t.teardown(async () => { for (const configuration of outage) await cluster.admin.delete(pathOf(configuration)) })

const service = (namespace: string): Record<string, unknown> & { apiVersion: string, kind: string, metadata: { name: string, namespace: string } } =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name: uniqueName('web'), namespace }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } })
const failedCall = /failed calling webhook/
const reachedWebhooks = /failed calling webhook|admission webhook "[^"]+\.netguard\.io" denied the request/

t.test('the outage is in force: a tenant\'s ordinary request fails, as failurePolicy Fail says', async (t) => {
  t.ok(await eventually(t, 'the outage webhooks to be in force', async () => {
    const reply = await cluster.tenant.create(pathOf(service(tenantOwn), false), service(tenantOwn), { dryRun: true })
    return reply.status >= 500 && failedCall.test(denialOf(reply.body))
  }))
})

t.test('what the policy exempts goes through while netguard is unreachable', async (t) => {
  // A namespace the policy exempts by a pattern (openshift-*), where the tenant has the same rights as in its own.
  const platform = uniqueName('openshift-outage')
  t.equal((await cluster.admin.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: platform } })).status, 201)
  t.equal((await cluster.admin.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${platform}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'tenant-admin', namespace: platform },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: TENANT_ROLE },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: cluster.state.users.tenantGroup }]
  })).status, 201)
  const kubeNamespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: uniqueName('kube-outage') } }
  const cases = [
    { what: 'a tenant\'s Service in its own namespace', client: cluster.tenant, user: USERS.tenant, namespace: tenantOwn, object: service(tenantOwn) },
    { what: `a Service by ${USERS.admin.name} of ${USERS.admin.groups.join(', ')}`, client: cluster.admin, user: USERS.admin, namespace: tenantOwn, object: service(tenantOwn) },
    { what: `a tenant's Service in ${platform}`, client: cluster.tenant, user: USERS.tenant, namespace: platform, object: service(platform) },
    { what: `a Namespace ${kubeNamespace.metadata.name} created by a tenant (an exempt name: NS-EXEMPT-NAME guards it)`, client: cluster.tenant, user: USERS.tenant, namespace: undefined, object: kubeNamespace }
  ]
  for (const { what, client, user, namespace, object } of cases) {
    const expectExempt = exempt(user, namespace, object)
    const reply = await client.create(pathOf(object, false), object, { dryRun: true })
    if (expectExempt) t.equal(reply.status, 201, `${what}: exempt by the policy, so never sent to the webhook${reply.status === 201 ? '' : `: ${denialOf(reply.body)}`}`)
    // Sent to the webhooks: the outage copy fails the call, unless the live netguard, called at the
    // same time, denies it first (a tenant's kube-* Namespace: NS-EXEMPT-NAME).
    else t.match(denialOf(reply.body), reachedWebhooks, `${what}: not exempt, so it waits on netguard`)
  }
  t.ok(exempt(USERS.tenant, platform, service(platform)), 'the bundled policy exempts openshift-* (else this file shows nothing)')
})
