import {
  ADMIN_NETWORK_POLICIES, BASELINE_ADMIN_NETWORK_POLICIES, CLUSTER_USER_DEFINED_NETWORKS, EGRESS_IPS, INGRESSES, MULTI_NETWORK_POLICIES, NAMESPACES, NETWORK_ATTACHMENT_DEFINITIONS,
  NETWORK_POLICIES, ROUTES, SERVICES, USER_DEFINED_NETWORKS, apiVersionOf, type ResourceType
} from '../kube/resources.ts'
import { kindKey, type KubeObject } from '../kube/types.ts'

/**
 * The fields of an object to keep: `true` keeps a field whole; `'shared'` too, with its short
 * strings shared between objects (values that repeat across a cluster: namespace names, label
 * and selector values); a nested shape keeps part of it (applied to each item of an array); a
 * function keeps what it returns, strings shared.
 */
export interface Shape { readonly [field: string]: true | 'shared' | Shape | ((value: unknown) => unknown) }

/** Annotations tools keep for their own bookkeeping; large (the whole applied object) and read by no rule. */
const BOOKKEEPING_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration'])

/** What the informer needs of every object (identity and version), and what every reader may look at. */
const METADATA: Shape = { name: true, namespace: 'shared', resourceVersion: true, deletionTimestamp: true }

/** The namespace selectors of an admin network policy's subject, and of each of its rules' peers (the same fields). */
const ADMIN_NAMESPACE_SELECTORS: Shape = { namespaces: 'shared', pods: { namespaceSelector: 'shared' } }

/**
 * What the caches keep of each kind: the fields its readers look at, as controller-runtime's
 * cache transforms do for large clusters; managedFields, status, bookkeeping annotations and
 * every field no reader needs are dropped before an object is cached. The readers:
 *
 * - Namespace: labels for namespace selectors (exemptions, exceptions); name, deletion and phase
 *   for the reconciler.
 * - NetworkPolicy: spec and labels for the reconciler's plan and POD-NETPOL-REQUIRED (podSelector).
 * - Service: annotations (SVC-EXTERNAL-DNS-UNIQUE reads the ones a policy names), spec.selector
 *   (SVC-UNIQUE-SELECTOR).
 * - Route: host, path and wildcard policy (ROUTE-HOST-OWNERSHIP); never the TLS key or certificates.
 * - Ingress: rule hosts and paths (ING-HOST-UNIQUE).
 * - NetworkAttachmentDefinition: spec.config (NAD-IPAM-OVERLAP).
 * - EgressIP: spec.egressIPs (EGRESSIP-UNIQUE), spec.namespaceSelector (NS-SELECTED-LABELS).
 * - UserDefinedNetwork, ClusterUserDefinedNetwork: spec (UDN-OVERLAP: topology and subnets).
 * - AdminNetworkPolicy: the priority (ANP-PRIORITY-UNIQUE) and the namespace selectors of its
 *   subject and peers (NS-SELECTED-LABELS).
 * - MultiNetworkPolicy: spec, labels and the policy-for annotation for the reconciler's plan.
 * - BaselineAdminNetworkPolicy: spec and labels for the reconciler's plan (NS-SELECTED-LABELS
 *   reads its namespace selectors).
 *
 * test/cluster/projection.test.ts holds this to the rules: every rule run over full objects and
 * over projected ones gives the same verdicts, so a rule that starts reading a dropped field
 * fails it. A kind without a shape here is cached whole but for managedFields.
 */
export const CACHE_SHAPES: ReadonlyMap<string, Shape> = new Map(([
  [NAMESPACES, { metadata: { ...METADATA, labels: 'shared' }, status: { phase: 'shared' } }],
  [NETWORK_POLICIES, { metadata: { ...METADATA, labels: 'shared' }, spec: 'shared' }],
  [SERVICES, { metadata: { ...METADATA, annotations: withoutBookkeeping }, spec: { selector: 'shared' } }],
  [ROUTES, { metadata: METADATA, spec: { host: true, path: true, wildcardPolicy: true } }],
  [INGRESSES, { metadata: METADATA, spec: { rules: { host: true, http: { paths: { path: true } } } } }],
  [NETWORK_ATTACHMENT_DEFINITIONS, { metadata: METADATA, spec: { config: true } }],
  [EGRESS_IPS, { metadata: METADATA, spec: { egressIPs: true, namespaceSelector: 'shared' } }],
  [USER_DEFINED_NETWORKS, { metadata: METADATA, spec: true }],
  [CLUSTER_USER_DEFINED_NETWORKS, { metadata: METADATA, spec: true }],
  [ADMIN_NETWORK_POLICIES, { metadata: METADATA, spec: { priority: true, subject: ADMIN_NAMESPACE_SELECTORS, ingress: { from: ADMIN_NAMESPACE_SELECTORS }, egress: { to: ADMIN_NAMESPACE_SELECTORS } } }],
  [MULTI_NETWORK_POLICIES, { metadata: { ...METADATA, labels: 'shared', annotations: withoutBookkeeping }, spec: 'shared' }],
  [BASELINE_ADMIN_NETWORK_POLICIES, { metadata: { ...METADATA, labels: 'shared' }, spec: true }]
] as const).map(([resource, shape]) => [kindKey(resource), shape]))

/**
 * The transform the cache of `resource` applies to each object before keeping it: its shape,
 * with apiVersion and kind set (list items come without them), and short strings shared.
 */
export function projectionFor (resource: ResourceType): (object: KubeObject) => KubeObject {
  const shape = CACHE_SHAPES.get(kindKey(resource)) ?? { metadata: withoutManagedFields, spec: true, status: true }
  const strings = new StringPool()
  const apiVersion = apiVersionOf(resource)
  return (object) => {
    // Filled field by field from `{}`, which has room in the object for four fields (apiVersion,
    // kind, metadata and spec or status): `{ apiVersion, kind, ...kept }` had room for two and
    // put the others in a second, out-of-object array, ~40 bytes more per cached object.
    const kept: Record<string, unknown> = {}
    kept.apiVersion = apiVersion
    kept.kind = resource.kind
    return project(object, shape, strings, kept) as KubeObject
  }
}

/**
 * Keeps the fields of `shape` in `value` (recursively; arrays item by item), into `kept` when
 * given. A field that a function turns into undefined is left out.
 */
export function project (value: unknown, shape: Shape, strings?: StringPool, kept: Record<string, unknown> = {}): unknown {
  if (Array.isArray(value)) return value.map((item) => project(item, shape, strings))
  if (typeof value !== 'object' || value === null) return value
  for (const field in shape) {
    const keep = shape[field]
    const child = (value as Record<string, unknown>)[field]
    if (child === undefined || keep === undefined) continue
    const projected = keep === true
      ? child
      : keep === 'shared' ? shared(child, strings) : typeof keep === 'function' ? shared(keep(child), strings) : project(child, keep, strings)
    if (projected !== undefined) kept[field] = projected
  }
  return kept
}

/** The annotations but bookkeeping ones; none (not an empty object) when only those were there. */
function withoutBookkeeping (annotations: unknown): unknown {
  if (typeof annotations !== 'object' || annotations === null) return annotations
  const kept = Object.entries(annotations).filter(([key]) => !BOOKKEEPING_ANNOTATIONS.has(key))
  return kept.length === 0 ? undefined : Object.fromEntries(kept)
}

function withoutManagedFields (metadata: unknown): unknown {
  if (typeof metadata !== 'object' || metadata === null) return metadata
  const { managedFields: _managedFields, ...rest } = metadata as Record<string, unknown>
  return rest
}

/**
 * One copy of each short string a cache holds many times over (namespace names, label and
 * selector values such as `app.kubernetes.io/managed-by: Helm`): JSON.parse makes a new string
 * for every occurrence. Long strings are rarely repeated and stay as they are; once the pool is
 * full (a cluster whose label values never repeat) new strings are no longer added.
 */
export class StringPool {
  private readonly strings = new Map<string, string>()

  intern (text: string): string {
    if (text.length > MAX_SHARED_LENGTH) return text
    const known = this.strings.get(text)
    if (known !== undefined) return known
    if (this.strings.size < MAX_SHARED_STRINGS) this.strings.set(text, text)
    return text
  }
}

const MAX_SHARED_LENGTH = 64
const MAX_SHARED_STRINGS = 100_000

/** A copy of a kept value with its short strings (and its values' strings) from the pool. */
function shared (value: unknown, strings: StringPool | undefined): unknown {
  if (strings === undefined) return value
  if (typeof value === 'string') return strings.intern(value)
  if (Array.isArray(value)) return value.map((item) => shared(item, strings))
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, shared(child, strings)]))
}
