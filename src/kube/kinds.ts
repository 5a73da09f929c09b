import { parseApiVersion, type KindRef, type KubeObject } from './types.ts'

/**
 * Groups that serve the same resource under an older name. The API server converts a request to
 * the version a webhook registered for (matchPolicy: Equivalent), so an `extensions/v1beta1`
 * Ingress reaches netguard as a `networking.k8s.io` Ingress; offline checks must do the same.
 */
const EQUIVALENT_GROUPS: Readonly<Record<string, string>> = {
  'extensions/Ingress': 'networking.k8s.io',
  'extensions/NetworkPolicy': 'networking.k8s.io',
  'extensions/Deployment': 'apps',
  'extensions/DaemonSet': 'apps',
  'extensions/ReplicaSet': 'apps'
}

/** The kind of an object as an admission request names it. */
export function kindOf (object: KubeObject): KindRef {
  const kind = typeof object.kind === 'string' ? object.kind : ''
  const { group } = parseApiVersion(typeof object.apiVersion === 'string' ? object.apiVersion : undefined)
  return { group: EQUIVALENT_GROUPS[`${group}/${kind}`] ?? group, kind }
}

/** Cluster-scoped kinds netguard may meet in manifests; every other kind lives in a namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'IngressClass', 'PriorityClass', 'RuntimeClass',
  'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'APIService',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'Project', 'ProjectRequest', 'ClusterResourceQuota', 'SecurityContextConstraints', 'ClusterNetwork', 'HostSubnet', 'NetNamespace',
  'EgressIP', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterUserDefinedNetwork', 'NetworkGuardPolicy'
])

export function isClusterScoped (kind: string): boolean {
  return CLUSTER_SCOPED.has(kind)
}
