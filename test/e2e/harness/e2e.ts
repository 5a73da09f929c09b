import { randomBytes } from 'node:crypto'
import type { TestContext } from '../../helpers/tap.ts'
import { KubeClient, pathOf } from './kube-client.ts'
import { TENANT_ROLE } from './setup.ts'
import { readState, type E2EState } from './state.ts'

/** The cluster the runner set up, and a client per user. One per test file. */
export interface E2ECluster {
  readonly state: E2EState
  readonly admin: KubeClient
  readonly tenant: KubeClient
  /** A client with another bearer token (a service account's), trusting the cluster CA. */
  clientWithToken: (token: string, user: string) => KubeClient
  close: () => void
}

export function e2eCluster (): E2ECluster {
  const state = readState()
  const clients: KubeClient[] = []
  const clientWithToken = (token: string, user: string): KubeClient => {
    const client = new KubeClient(state.server, token, state.ca, user)
    clients.push(client)
    return client
  }
  return {
    state,
    admin: clientWithToken(state.tokens.admin, state.users.admin),
    tenant: clientWithToken(state.tokens.tenant, state.users.tenant),
    clientWithToken,
    close: () => {
      for (const client of clients) client.close()
      // A file whose process outlives its tests names what holds it, and ends with tap's verdict
      // (process.exitCode) rather than waiting for the runner's timeout.
      setTimeout(() => {
        process.stderr.write(`e2e: ${process.argv[1] ?? 'a test file'} still running 5 s after its tests, held by ${JSON.stringify(process.getActiveResourcesInfo())}\n`)
        process.exit()
      }, 5000).unref()
      // Once tap has written its verdict, the process ends there. Left to its natural end, Node's
      // environment teardown can wait forever on a request of a socket the service proxy reset
      // (seen as a file spinning at 100% CPU in Environment::CleanupHandles until the runner's
      // timeout); exiting from the last 'exit' listener skips that teardown.
      process.once('exit', (code) => process.exit(code))
    }
  }
}

export function uniqueName (prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`
}

/**
 * A namespace the tenant created (so it went through both webhooks, as a tenant's does), where
 * the tenant holds the tenant role. There is no namespace controller here: a deleted namespace
 * would stay Terminating, so the suite leaves its namespaces, each with a fresh name, to the
 * throwaway etcd.
 */
export async function tenantNamespace (cluster: E2ECluster, prefix: string): Promise<string> {
  const name = uniqueName(prefix)
  const created = await cluster.tenant.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
  if (created.status !== 201) throw new Error(`tenant namespace ${name}: ${created.status} ${JSON.stringify(created.body)}`)
  const binding = await cluster.admin.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${name}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'tenant-admin', namespace: name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: TENANT_ROLE },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: cluster.state.users.tenantGroup }]
  })
  if (binding.status !== 201) throw new Error(`tenant role binding in ${name}: ${binding.status} ${JSON.stringify(binding.body)}`)
  return name
}

/** The message the API server returns when a validating webhook denies. */
export function denialOf (body: Record<string, unknown>): string {
  return typeof body.message === 'string' ? body.message : JSON.stringify(body)
}

/** Polls until `check` holds; fails the test with `what` after `timeoutMs`. */
export async function eventually (t: TestContext, what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  t.fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)
  return false
}

export { pathOf }
