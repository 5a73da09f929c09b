import type { KubeObject } from '../kube/types.ts'
import { normalSpec } from '../engine/isolation.ts'

/** What it takes to bring one managed object (NetworkPolicy, MultiNetworkPolicy, BaselineAdminNetworkPolicy) to its desired state. */
export type ReconcileAction =
  | { readonly type: 'create', readonly object: KubeObject }
  /** `object` is the actual object with netguard's fields set, keeping its resourceVersion (optimistic concurrency). */
  | { readonly type: 'update', readonly object: KubeObject, readonly drift: readonly string[] }

/**
 * Desired versus actual, by name: create what is missing, update what drifted, nothing else.
 * Only the fields netguard owns count: the spec, compared by meaning (`normalize`: for a
 * NetworkPolicy spec, the defaults the API server fills in, such as policyTypes and protocol, and
 * the order of sets do not count), and the labels and annotations it sets. Other labels,
 * annotations, status and metadata the server keeps are left alone, so netguard never fights
 * another writer over a field it does not own. Pure.
 */
export function plan (desired: readonly KubeObject[], actual: readonly KubeObject[], normalize: (spec: unknown) => unknown = normalSpec): ReconcileAction[] {
  const byName = new Map(actual.map((object) => [object.metadata?.name, object]))
  const actions: ReconcileAction[] = []
  for (const wanted of desired) {
    const found = byName.get(wanted.metadata?.name)
    if (found === undefined) {
      actions.push({ type: 'create', object: wanted })
      continue
    }
    const drift = driftOf(wanted, found, normalize)
    if (drift.length === 0) continue
    const { managedFields: _managedFields, ...metadata } = (found.metadata ?? {}) as Record<string, unknown>
    const annotations = wanted.metadata?.annotations === undefined ? {} : { annotations: { ...found.metadata?.annotations, ...wanted.metadata.annotations } }
    actions.push({
      type: 'update',
      drift,
      object: { ...found, metadata: { ...metadata, labels: { ...found.metadata?.labels, ...wanted.metadata?.labels }, ...annotations }, spec: wanted.spec }
    })
  }
  return actions
}

/** What differs in the fields netguard owns: `spec`, `label KEY` or `annotation KEY`. */
function driftOf (wanted: KubeObject, found: KubeObject, normalize: (spec: unknown) => unknown): string[] {
  const drift: string[] = []
  if (JSON.stringify(normalize(wanted.spec)) !== JSON.stringify(normalize(found.spec))) drift.push('spec')
  for (const [key, value] of Object.entries(wanted.metadata?.labels ?? {})) {
    if (found.metadata?.labels?.[key] !== value) drift.push(`label ${key}`)
  }
  for (const [key, value] of Object.entries(wanted.metadata?.annotations ?? {})) {
    if (found.metadata?.annotations?.[key] !== value) drift.push(`annotation ${key}`)
  }
  return drift
}

/**
 * Any JSON value with its object keys sorted, for specs without a meaning-aware normalizer (a
 * BaselineAdminNetworkPolicy, stored as written). Arrays keep their order: in an admin network
 * policy, rule order is precedence; `{}` stays apart from an absent field, as selectors need.
 */
export function normalJson (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalJson)
  if (typeof value !== 'object' || value === null) return value
  const object = value as Record<string, unknown>
  return Object.fromEntries(Object.keys(object).sort().filter((key) => object[key] !== undefined).map((key) => [key, normalJson(object[key])]))
}
