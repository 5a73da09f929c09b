import { delimiter, join } from 'node:path'

// Where the Kubernetes API is, decided without loading the client library (config.ts uses it for
// every command, and only `serve` and `audit` talk to a cluster).

/** Where the cluster configuration comes from. */
export type ClusterConfigSource =
  | { readonly type: 'kubeconfig', readonly files: readonly string[] }
  | { readonly type: 'in-cluster' }

export interface FindClusterConfigOptions {
  /** `--kubeconfig`: wins over everything else. */
  readonly kubeconfig?: string
  readonly env: NodeJS.ProcessEnv
  readonly home: string | undefined
  readonly exists: (path: string) => boolean
}

/**
 * The cluster to talk to, in kubectl's order: --kubeconfig, $KUBECONFIG, ~/.kube/config, then
 * the pod's service account. Undefined when there is none, so netguard runs without a cluster
 * (client-node would fall back to localhost:8080 instead).
 */
export function findClusterConfig ({ kubeconfig, env, home, exists }: FindClusterConfigOptions): ClusterConfigSource | undefined {
  if (kubeconfig !== undefined && kubeconfig !== '') return { type: 'kubeconfig', files: [kubeconfig] }
  const files = (env.KUBECONFIG ?? '').split(delimiter).filter((file) => file !== '')
  if (files.length > 0) return { type: 'kubeconfig', files }
  const homeConfig = home === undefined ? undefined : join(home, '.kube', 'config')
  if (homeConfig !== undefined && exists(homeConfig)) return { type: 'kubeconfig', files: [homeConfig] }
  if ((env.KUBERNETES_SERVICE_HOST ?? '') !== '' && (env.KUBERNETES_SERVICE_PORT ?? '') !== '') return { type: 'in-cluster' }
  return undefined
}

export function describeClusterConfig (source: ClusterConfigSource): string {
  return source.type === 'in-cluster' ? 'the pod service account' : `kubeconfig ${source.files.join(delimiter)}`
}
