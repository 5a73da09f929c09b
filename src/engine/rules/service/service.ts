import type { KubeObject, Service } from '../../../kube/types.ts'

export const SERVICE_KIND = [{ group: '', kind: 'Service' }] as const

/** The Service's type as the API server reads it: absent means ClusterIP. */
export function serviceType (object: KubeObject): string {
  const type = (object as Service).spec?.type
  return typeof type === 'string' && type !== '' ? type : 'ClusterIP'
}

export function serviceSpec (object: KubeObject): NonNullable<Service['spec']> {
  return (object as Service).spec ?? {}
}

/** A list field as a list: input is untrusted, and a malformed field counts as absent. */
export function listField<T> (value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : []
}
