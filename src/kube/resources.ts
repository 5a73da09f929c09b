import { kindKey, type KindRef } from './types.ts'

/** Where a kind lives in the API: group, served version, plural and scope. */
export interface ResourceType extends KindRef {
  readonly version: string
  readonly plural: string
  readonly namespaced: boolean
}

const resource = (group: string, version: string, kind: string, plural: string, namespaced = true): ResourceType =>
  ({ group, version, kind, plural, namespaced })

export const NAMESPACES = resource('', 'v1', 'Namespace', 'namespaces', false)
export const SERVICES = resource('', 'v1', 'Service', 'services')
export const NETWORK_POLICIES = resource('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies')
export const INGRESSES = resource('networking.k8s.io', 'v1', 'Ingress', 'ingresses')
export const ROUTES = resource('route.openshift.io', 'v1', 'Route', 'routes')
export const NETWORK_ATTACHMENT_DEFINITIONS = resource('k8s.cni.cncf.io', 'v1', 'NetworkAttachmentDefinition', 'network-attachment-definitions')
export const EGRESS_IPS = resource('k8s.ovn.org', 'v1', 'EgressIP', 'egressips', false)
export const EGRESS_ROUTERS = resource('network.operator.openshift.io', 'v1', 'EgressRouter', 'egressrouters')
export const USER_DEFINED_NETWORKS = resource('k8s.ovn.org', 'v1', 'UserDefinedNetwork', 'userdefinednetworks')
export const CLUSTER_USER_DEFINED_NETWORKS = resource('k8s.ovn.org', 'v1', 'ClusterUserDefinedNetwork', 'clusteruserdefinednetworks', false)
export const MULTI_NETWORK_POLICIES = resource('k8s.cni.cncf.io', 'v1beta1', 'MultiNetworkPolicy', 'multi-networkpolicies')
export const ADMIN_NETWORK_POLICIES = resource('policy.networking.k8s.io', 'v1alpha1', 'AdminNetworkPolicy', 'adminnetworkpolicies', false)
export const BASELINE_ADMIN_NETWORK_POLICIES = resource('policy.networking.k8s.io', 'v1alpha1', 'BaselineAdminNetworkPolicy', 'baselineadminnetworkpolicies', false)
export const LEASES = resource('coordination.k8s.io', 'v1', 'Lease', 'leases')
export const POLICY_REPORTS = resource('wgpolicyk8s.io', 'v1alpha2', 'PolicyReport', 'policyreports')
export const CLUSTER_POLICY_REPORTS = resource('wgpolicyk8s.io', 'v1alpha2', 'ClusterPolicyReport', 'clusterpolicyreports', false)
export const OPEN_REPORTS = resource('openreports.io', 'v1alpha1', 'Report', 'reports')
export const CLUSTER_OPEN_REPORTS = resource('openreports.io', 'v1alpha1', 'ClusterReport', 'clusterreports', false)

/**
 * Every kind a netguard rule may look at, with the version netguard reads. A fixed table rather
 * than discovery: the kinds are known, and a group the cluster does not serve answers 404.
 */
export const KNOWN_RESOURCES: readonly ResourceType[] = [
  NAMESPACES,
  SERVICES,
  resource('', 'v1', 'Pod', 'pods'),
  resource('', 'v1', 'ReplicationController', 'replicationcontrollers'),
  resource('', 'v1', 'ConfigMap', 'configmaps'),
  NETWORK_POLICIES,
  INGRESSES,
  // Served by clusters before 1.22 only; manifests and old clusters still use it.
  resource('extensions', 'v1beta1', 'Ingress', 'ingresses'),
  ROUTES,
  NETWORK_ATTACHMENT_DEFINITIONS,
  resource('k8s.ovn.org', 'v1', 'EgressFirewall', 'egressfirewalls'),
  EGRESS_IPS,
  // OpenShift SDN's egress firewall, the predecessor of EgressFirewall.
  resource('network.openshift.io', 'v1', 'EgressNetworkPolicy', 'egressnetworkpolicies'),
  // OKD's router method of egress control (the cluster network operator runs the router pod).
  EGRESS_ROUTERS,
  // OVN-Kubernetes primary and secondary network segmentation.
  USER_DEFINED_NETWORKS,
  CLUSTER_USER_DEFINED_NETWORKS,
  // NetworkPolicy for Multus secondary networks (served where the cluster enables it).
  MULTI_NETWORK_POLICIES,
  ADMIN_NETWORK_POLICIES,
  BASELINE_ADMIN_NETWORK_POLICIES,
  resource('apps', 'v1', 'Deployment', 'deployments'),
  resource('apps', 'v1', 'StatefulSet', 'statefulsets'),
  resource('apps', 'v1', 'DaemonSet', 'daemonsets'),
  resource('apps', 'v1', 'ReplicaSet', 'replicasets'),
  resource('batch', 'v1', 'Job', 'jobs'),
  resource('batch', 'v1', 'CronJob', 'cronjobs'),
  resource('apps.openshift.io', 'v1', 'DeploymentConfig', 'deploymentconfigs')
]

const BY_KIND = new Map(KNOWN_RESOURCES.map((known) => [kindKey(known), known]))

export function resourceFor (kind: KindRef): ResourceType | undefined {
  return BY_KIND.get(kindKey(kind))
}

export function apiVersionOf (resource: ResourceType): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`
}

/** The REST path of a collection (in one namespace, or across all) or of one object. */
export function resourcePath (resource: ResourceType, namespace?: string, name?: string): string {
  const root = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`
  const scope = resource.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : ''
  return `${root}${scope}/${resource.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`
}
