import type { KubeObject } from '../../../../src/kube/types.ts'

export interface Template {
  readonly metadata?: Record<string, unknown>
  readonly spec?: Record<string, unknown>
}

/** Every kind that runs pods, with where it keeps the pod template and the path prefix of its fields. */
export const WORKLOAD_KINDS = [
  { apiVersion: 'v1', kind: 'Pod', prefix: '' },
  { apiVersion: 'v1', kind: 'ReplicationController', prefix: 'spec.template.' },
  { apiVersion: 'apps/v1', kind: 'Deployment', prefix: 'spec.template.' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', prefix: 'spec.template.' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', prefix: 'spec.template.' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', prefix: 'spec.template.' },
  { apiVersion: 'batch/v1', kind: 'Job', prefix: 'spec.template.' },
  { apiVersion: 'batch/v1', kind: 'CronJob', prefix: 'spec.jobTemplate.spec.template.' },
  { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', prefix: 'spec.template.' }
] as const

export type WorkloadKind = typeof WORKLOAD_KINDS[number]['kind']

/** A workload of `kind` in `namespace` whose pods are `template`. */
export function workload (kind: WorkloadKind, template: Template, namespace = 'payments'): KubeObject {
  const { apiVersion } = WORKLOAD_KINDS.find((entry) => entry.kind === kind) as typeof WORKLOAD_KINDS[number]
  const metadata = { name: 'app', namespace }
  if (kind === 'Pod') return { apiVersion, kind, metadata: { ...template.metadata, ...metadata }, spec: template.spec }
  if (kind === 'CronJob') return { apiVersion, kind, metadata, spec: { schedule: '@daily', jobTemplate: { spec: { template } } } }
  return { apiVersion, kind, metadata, spec: { template } }
}

/** A pod template asking for Multus networks. */
export function withNetworks (networks: string, extra: Record<string, string> = {}): Template {
  return { metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': networks, ...extra } }, spec: { containers: [{ name: 'app' }] } }
}
