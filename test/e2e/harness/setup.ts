import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments, stringify } from 'yaml'
import { ensureDevCertificates } from '../../../src/tls/dev-certs.ts'
import { APPLIED_KINDS, e2eValues, RELEASE, renderWithHelm, webhookConfigurations, type Manifest } from './chart.ts'
import { freePorts, startControlPlane, USERS } from './cluster.ts'
import { KubeClient, pathOf } from './kube-client.ts'
import { loggedReviews } from './netguard-log.ts'
import { replicaSpec, startReplica, waitUntilServing } from './netguard.ts'
import type { StartedProcess } from './processes.ts'
import type { E2EState } from './state.ts'

export const CRD_DIR = 'test/fixtures/crds'
/** The ClusterRole a tenant holds in its own namespaces (through a RoleBinding). */
export const TENANT_ROLE = 'e2e-tenant'

export interface SetUpOptions {
  readonly binDir: string
  readonly kubeVersion: string
  readonly workDir: string
  readonly logDir: string
  readonly pidDir: string
  readonly log: (line: string) => void
}

/**
 * The cluster as an admin would set it up: the control plane, the CRDs, the chart's RBAC,
 * policies and webhook configurations, tenants' RBAC, and one netguard replica. `started` gets
 * each process as it starts, so the caller can stop them even when a later step fails.
 */
export async function setUp (options: SetUpOptions, started: (process: StartedProcess) => void): Promise<E2EState> {
  const { binDir, kubeVersion, workDir, logDir, pidDir, log } = options
  const plane = await startControlPlane({ binDir, workDir, logDir, pidDir })
  for (const child of plane.processes) started(child)
  log(`kube-apiserver ${kubeVersion} ready at ${plane.server}`)
  const admin = new KubeClient(plane.server, plane.tokens.admin, plane.ca, USERS.admin.name)
  try {
    await createAll(admin, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: RELEASE.namespace } }])
    await installCrds(admin)
    log('CRDs established')

    const rendered = renderWithHelm(join(binDir, 'helm'), e2eValues(), kubeVersion)
    await createAll(admin, rendered.filter((object) => APPLIED_KINDS.has(object.kind)))
    await createAll(admin, tenantRbac())
    const serviceAccount = rendered.find((object) => object.kind === 'ServiceAccount')?.metadata.name
    const deployment = rendered.find((object) => object.kind === 'Deployment')
    const policies = rendered.find((object) => object.kind === 'ConfigMap' && object.metadata.name.endsWith('-policies'))
    if (serviceAccount === undefined || deployment === undefined || policies === undefined) {
      throw new Error('the rendered chart lacks its ServiceAccount, Deployment or policies ConfigMap')
    }

    const netguardDir = join(workDir, 'netguard')
    const policiesDir = join(netguardDir, 'policies')
    mkdirSync(policiesDir, { recursive: true })
    for (const [file, text] of Object.entries(policies.data as Record<string, string>)) writeFileSync(join(policiesDir, file), text)
    const kubeconfig = join(netguardDir, 'kubeconfig')
    writeFileSync(kubeconfig, kubeconfigFor(plane.server, plane.ca, await serviceAccountToken(admin, serviceAccount)), { mode: 0o600 })
    const tls = await ensureDevCertificates(join(netguardDir, 'tls'), ['127.0.0.1', 'localhost'], new Date())
    const tmpDir = join(netguardDir, 'tmp')
    mkdirSync(tmpDir, { recursive: true })
    const spec = replicaSpec(deployment, { tlsDir: join(netguardDir, 'tls'), policiesDir, tmpDir, kubeconfig })

    const [port] = await freePorts(1)
    if (port === undefined) throw new Error('no free port')
    const primary = startReplica({ spec, name: 'netguard-0', port, logDir, pidDir })
    started(primary)
    await waitUntilServing(primary, port, tls.caPem)
    const url = `https://127.0.0.1:${port}`
    await createAll(admin, webhookConfigurations(rendered, url, tls.caPem))
    log(`netguard serving at ${url}; webhook configurations from the chart applied`)

    const state: E2EState = {
      server: plane.server,
      ca: plane.ca,
      tokens: { admin: plane.tokens.admin, tenant: plane.tokens.tenant },
      users: { admin: USERS.admin.name, tenant: USERS.tenant.name, tenantGroup: USERS.tenant.groups[0] },
      binDir,
      kubeVersion,
      logDir,
      pidDir,
      workDir,
      netguard: {
        namespace: RELEASE.namespace,
        serviceAccount,
        kubeconfig,
        url,
        port,
        ca: tls.caPem,
        policiesDir,
        replica: spec,
        primary: { name: primary.name, pid: primary.pid }
      }
    }
    const tenant = new KubeClient(plane.server, plane.tokens.tenant, plane.ca, USERS.tenant.name)
    try {
      await waitForWebhooks(tenant, logDir)
    } finally {
      tenant.close()
    }
    return state
  } finally {
    admin.close()
  }
}

export async function createAll (client: KubeClient, objects: readonly Manifest[]): Promise<void> {
  for (const object of objects) {
    const reply = await client.create(pathOf(object, false), object)
    if (reply.status !== 201) throw new Error(`creating ${object.kind} ${object.metadata.name}: ${reply.status} ${JSON.stringify(reply.body)}`)
  }
}

async function installCrds (admin: KubeClient): Promise<void> {
  const crds = readdirSync(CRD_DIR).filter((file) => file.endsWith('.yaml')).sort().flatMap((file) =>
    parseAllDocuments(readFileSync(join(CRD_DIR, file), 'utf8')).map((document) => document.toJS() as Manifest))
  await createAll(admin, crds)
  for (const crd of crds) {
    await until(`CRD ${crd.metadata.name} established`, async () => {
      const reply = await admin.get(pathOf(crd))
      const conditions = (reply.body.status as { conditions?: Array<{ type: string, status: string }> } | undefined)?.conditions ?? []
      return conditions.some((condition) => condition.type === 'Established' && condition.status === 'True')
    })
  }
}

/**
 * Tenants as on a self-service cluster: they may create namespaces (as OpenShift's project
 * self-provisioners may), and in their own they hold `e2e-tenant`, the namespaced rights of the
 * built-in `admin` role over the kinds the suite writes. (`admin` itself is filled in by
 * kube-controller-manager's aggregation controller, which does not run here.)
 */
function tenantRbac (): Manifest[] {
  const group = USERS.tenant.groups[0]
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'e2e-tenant-namespaces' },
      rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] }]
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'e2e-tenant-namespaces' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'e2e-tenant-namespaces' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }]
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: TENANT_ROLE },
      rules: [
        { apiGroups: [''], resources: ['services', 'pods', 'configmaps', 'serviceaccounts', 'endpoints'], verbs: ['*'] },
        { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], verbs: ['*'] },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies', 'ingresses'], verbs: ['*'] },
        { apiGroups: ['route.openshift.io'], resources: ['routes'], verbs: ['*'] },
        { apiGroups: ['k8s.cni.cncf.io'], resources: ['network-attachment-definitions'], verbs: ['*'] },
        { apiGroups: ['k8s.ovn.org'], resources: ['egressfirewalls'], verbs: ['*'] },
        { apiGroups: ['wgpolicyk8s.io'], resources: ['policyreports'], verbs: ['get', 'list', 'watch'] }
      ]
    }
  ]
}

/** A bound token of the service account, from the TokenRequest API (what the kubelet mounts). */
export async function serviceAccountToken (admin: KubeClient, name: string, namespace: string = RELEASE.namespace): Promise<string> {
  const reply = await admin.create(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 24 * 3600 }
  })
  const token = (reply.body.status as { token?: string } | undefined)?.token
  if (reply.status !== 201 || token === undefined) throw new Error(`token for ${name}: ${reply.status} ${JSON.stringify(reply.body)}`)
  return token
}

export function kubeconfigFor (server: string, ca: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
    users: [{ name: 'netguard', user: { token } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'netguard' } }],
    'current-context': 'e2e'
  })
}

/**
 * The API server picks up webhook configurations from a watch; a request made before that is not
 * reviewed. Polls a tenant's dry-run Namespace (an admin's may be exempt before it is sent)
 * until both webhooks have seen it.
 */
async function waitForWebhooks (tenant: KubeClient, logDir: string): Promise<void> {
  const name = 'e2e-webhook-probe'
  await until('the webhook configurations in force', async () => {
    await tenant.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { dryRun: true })
    const points = new Set(loggedReviews({ logDir }).filter((review) => review.name === name).map((review) => review.point))
    return points.has('mutate') && points.has('validate')
  })
}

async function until (what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`timed out waiting for ${what}`)
}
