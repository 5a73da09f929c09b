import type { KubeObject } from '../../../kube/types.ts'
import { asList, asObject, type JsonObject } from '../../read.ts'

export const EGRESS_ROUTER_KIND = [{ group: 'network.operator.openshift.io', kind: 'EgressRouter' }] as const

/** The spec as an object whatever was sent: rules read each field defensively. */
export function routerSpec (object: KubeObject): JsonObject {
  return asObject(object['spec']) ?? {}
}

/** The object entries of a list field with their paths; a non-list has none, a non-object entry is empty. */
export function entriesOf (value: unknown, path: string): { readonly path: string, readonly entry: JsonObject }[] {
  return (asList(value) ?? []).map((entry, index) => ({ path: `${path}[${index}]`, entry: asObject(entry) ?? {} }))
}
