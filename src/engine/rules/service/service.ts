import type { KubeObject, Service } from '../../../kube/types.ts'
import type { ReviewContext } from '../../types.ts'

export const SERVICE_KIND = [{ group: '', kind: 'Service' }] as const

/** The Service's type as the API server reads it: absent means ClusterIP. */
export function serviceType (object: KubeObject): string {
  const type = (object as Service).spec?.type
  return typeof type === 'string' && type !== '' ? type : 'ClusterIP'
}

export function serviceSpec (object: KubeObject): NonNullable<Service['spec']> {
  return (object as Service).spec ?? {}
}

/** `namespace shop`, or `this namespace` for an object checked without one. */
export function inNamespace (context: ReviewContext): string {
  return context.namespace === undefined ? 'in this namespace' : `in namespace ${context.namespace}`
}
