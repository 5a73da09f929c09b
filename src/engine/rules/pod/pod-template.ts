import type { ObjectMeta, PodSpec } from '../../../kube/types.ts'
import type { ReviewContext } from '../../types.ts'
import { asObject, FieldReader } from '../../read.ts'

/** Pods and every workload kind that carries a pod template. */
export const POD_KINDS = [
  { group: '', kind: 'Pod' },
  { group: '', kind: 'ReplicationController' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'apps', kind: 'StatefulSet' },
  { group: 'apps', kind: 'DaemonSet' },
  { group: 'apps', kind: 'ReplicaSet' },
  { group: 'batch', kind: 'Job' },
  { group: 'batch', kind: 'CronJob' },
  { group: 'apps.openshift.io', kind: 'DeploymentConfig' }
] as const

/** Where each kind keeps the pod it will run; a Pod is its own template. */
const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  ReplicationController: ['spec', 'template'],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  DeploymentConfig: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template']
}

/** The pod (or pod template) a rule looks at, with the path its fields are reported under. */
export interface PodTemplate {
  /** `''` for a Pod, `spec.template` for a Deployment, `spec.jobTemplate.spec.template` for a CronJob. */
  readonly path: string
  readonly metadata: ObjectMeta
  readonly spec: PodSpec
  /** Builds a field path under the template: `at('spec.hostNetwork')`. */
  at (field: string): string
}

/**
 * The pod template of a Pod or workload, read defensively: a missing or mistyped level gives an
 * empty template rather than an exception. Controllers create the Pods themselves (and their
 * service accounts are usually exempt), so the template is where a workload's pods are judged.
 */
export function podTemplate (object: unknown, context: ReviewContext, reader = new FieldReader()): PodTemplate | undefined {
  const steps = TEMPLATE_PATHS[context.kind.kind]
  if (steps === undefined) return undefined
  let node: unknown = object
  for (const [index, step] of steps.entries()) node = reader.object(node, steps.slice(0, index).join('.') || 'the object')?.[step]
  const path = steps.join('.')
  const at = (field: string): string => (path === '' ? field : `${path}.${field}`)
  const template = path === '' ? asObject(node) : reader.object(node, path)
  return {
    path,
    metadata: reader.object(template?.metadata, at('metadata')) ?? {},
    spec: reader.object(template?.spec, at('spec')) ?? {},
    at
  }
}
