import type { KubeObject } from '../../../kube/types.ts'
import type { FieldReader, JsonObject } from '../../read.ts'

export const SERVICE_KIND = [{ group: '', kind: 'Service' }] as const

/** A Service's spec and type, read through `reader` (a wrong type there is its finding). */
export interface ServiceView {
  readonly spec: JsonObject
  /** As the API server reads it: absent (or empty) means ClusterIP. */
  readonly type: string
}

export function readService (object: KubeObject, reader: FieldReader): ServiceView {
  const spec = reader.object(object.spec, 'spec') ?? {}
  const type = reader.string(spec.type, 'spec.type')
  return { spec, type: type === undefined || type === '' ? 'ClusterIP' : type }
}
