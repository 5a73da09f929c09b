import Type from 'typebox'
import { asObject, metaOf } from '../../read.ts'
import { defineRule } from '../../rule.ts'
import type { KubeObject } from '../../../kube/types.ts'
import { isManaged, MANAGED_BY_LABEL, MANAGED_BY_NETGUARD, NETWORK_POLICY_KIND } from './network-policy.ts'

const LABEL_PATH = `metadata.labels["${MANAGED_BY_LABEL}"]`

/**
 * The default isolation policies are netguard's: only exempt users and groups (netguard's own
 * service accounts always are) may change or delete them, or create a policy carrying the label.
 * Removing the label is a change like any other, so a tenant cannot first unlabel, then edit.
 */
export const netpolManaged = defineRule({
  type: 'validate',
  id: 'NETPOL-MANAGED',
  kinds: NETWORK_POLICY_KIND,
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  defaultAction: 'deny',
  judgesChanges: true,
  summary: `changing or deleting a NetworkPolicy labelled ${MANAGED_BY_LABEL}: ${MANAGED_BY_NETGUARD}, or creating one, by anyone not exempt`,
  category: 'Network isolation',
  severity: 'high',
  settings: Type.Object({}),
  defaults: {},
  compile: () => undefined,
  check (object, context) {
    const name = metaOf(object).name ?? ''
    // The kind as reviewed: MNP-MANAGED runs this check on MultiNetworkPolicies.
    const kind = context.kind.kind
    const fix = `add a ${kind} of your own instead, or ask a cluster admin`
    if (context.operation === 'DELETE') {
      if (!isManaged(object)) return []
      return [{ path: LABEL_PATH, message: `${kind} ${name} is managed by netguard and cannot be deleted`, fix }]
    }
    if (context.operation === 'CREATE' || !isManaged(context.oldObject)) {
      if (!isManaged(object)) return []
      return [{ path: LABEL_PATH, message: `${LABEL_PATH} "${MANAGED_BY_NETGUARD}" is reserved for the policies netguard creates`, fix: `remove the label ${MANAGED_BY_LABEL}` }]
    }
    if (!isManaged(object)) {
      return [{ path: LABEL_PATH, message: `removing ${LABEL_PATH} from ${kind} ${name} is not allowed: netguard manages it`, fix }]
    }
    const changed = USER_FIELDS.filter((field) => !sameJson(field.read(object), field.read(context.oldObject))).map((field) => field.path)
    const [first] = changed
    if (first === undefined) return []
    return [{
      path: first,
      message: `${kind} ${name} is managed by netguard; ${changed.join(', ')} cannot be changed`,
      fix
    }]
  }
})

/**
 * What an update can change that matters: the rules, and the metadata that decides the policy's
 * fate (an ownerReference would let the garbage collector delete it with a tenant's object).
 * Fields the API server keeps (resourceVersion, managedFields, generation) are left out.
 */
const USER_FIELDS: readonly { readonly path: string, read (object: KubeObject | undefined): unknown }[] = [
  { path: 'spec', read: (object) => object?.['spec'] },
  { path: 'metadata.labels', read: (object) => metadataField(object, 'labels') },
  { path: 'metadata.annotations', read: (object) => metadataField(object, 'annotations') },
  { path: 'metadata.ownerReferences', read: (object) => metadataField(object, 'ownerReferences') },
  { path: 'metadata.finalizers', read: (object) => metadataField(object, 'finalizers') }
]

function metadataField (object: KubeObject | undefined, field: string): unknown {
  return asObject(asObject(object)?.metadata)?.[field]
}

/** Deep equality of JSON values, with object keys in any order; absent equals empty. */
function sameJson (a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b)
}

function canonical (value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '' : `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value).sort().flatMap((key) => {
      const inner = canonical((value as Record<string, unknown>)[key])
      return inner === '' ? [] : [`${JSON.stringify(key)}:${inner}`]
    })
    return entries.length === 0 ? '' : `{${entries.join(',')}}`
  }
  return value === undefined || value === null ? '' : JSON.stringify(value)
}
