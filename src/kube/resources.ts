import { kindKey, type KindRef } from './types.ts'

/** How the API server names a kind: what webhook rules, RBAC rules and list calls need. */
export interface KubeResource extends KindRef {
  /** Plural resource name, e.g. `networkpolicies`. */
  readonly resource: string
  /** Served versions, preferred first; the webhook lists them all. */
  readonly versions: readonly string[]
  readonly scope: 'Namespaced' | 'Cluster'
}

function resource (group: string, kind: string, plural: string, scope: KubeResource['scope'] = 'Namespaced', versions: readonly string[] = ['v1']): KubeResource {
  return { group, kind, resource: plural, versions, scope }
}

/**
 * Every kind a rule may check. A rule for a kind missing here fails the chart test
 * (test/packaging/webhook-rules.test.ts): the webhooks could not route it to netguard.
 */
export const RESOURCES: readonly KubeResource[] = [
  resource('', 'Namespace', 'namespaces', 'Cluster'),
  resource('', 'Service', 'services'),
  resource('', 'Pod', 'pods'),
  resource('', 'ReplicationController', 'replicationcontrollers'),
  resource('', 'ConfigMap', 'configmaps'),
  resource('apps', 'Deployment', 'deployments'),
  resource('apps', 'StatefulSet', 'statefulsets'),
  resource('apps', 'DaemonSet', 'daemonsets'),
  resource('apps', 'ReplicaSet', 'replicasets'),
  resource('batch', 'Job', 'jobs'),
  resource('batch', 'CronJob', 'cronjobs'),
  resource('apps.openshift.io', 'DeploymentConfig', 'deploymentconfigs'),
  resource('networking.k8s.io', 'NetworkPolicy', 'networkpolicies'),
  resource('networking.k8s.io', 'Ingress', 'ingresses'),
  resource('route.openshift.io', 'Route', 'routes'),
  resource('k8s.cni.cncf.io', 'NetworkAttachmentDefinition', 'network-attachment-definitions'),
  resource('k8s.ovn.org', 'EgressFirewall', 'egressfirewalls'),
  resource('k8s.ovn.org', 'EgressIP', 'egressips', 'Cluster')
]

const BY_KIND = new Map(RESOURCES.map((entry) => [kindKey(entry), entry]))

export function resourceFor (ref: KindRef): KubeResource | undefined {
  return BY_KIND.get(kindKey(ref))
}
