import { createHash } from 'node:crypto'
import type { KubeObject } from '../../src/kube/types.ts'

// Objects shaped as a real OpenShift cluster stores them, for the scale benchmark and the tests
// of what the caches keep: server-side fields (uid, creationTimestamp, resourceVersion), the
// labels and annotations Helm, kubectl and OpenShift add, `managedFields` with their FieldsV1
// trees, and `kubectl.kubernetes.io/last-applied-configuration` (the whole applied object as
// JSON). Deterministic: the same index gives the same object.

type Json = Record<string, unknown>

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'

const TEAMS = ['payments', 'shop', 'search', 'identity', 'billing', 'catalog', 'checkout', 'data', 'ml', 'web']
const COMPONENTS = ['api', 'frontend', 'worker', 'cache', 'db', 'metrics']
const CREATED = Date.parse('2025-03-01T08:00:00Z')

/** A stable fake uid for a name. */
function uid (name: string): string {
  const hex = createHash('sha1').update(name).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** Server-side metadata fields (creationTimestamp, managedFields) are not in the narrow ObjectMeta. */
const asObject = (fields: Json): KubeObject => fields as KubeObject

function timestamp (index: number): string {
  return new Date(CREATED + index * 61_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The FieldsV1 tree of what a manager set: every key as `f:key`, list items by key (`k:{...}`) or value (`v:...`). */
function fieldsV1 (value: unknown): Json {
  if (typeof value !== 'object' || value === null) return {}
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((item, index) => {
      const key = typeof item === 'object' && item !== null
        ? `k:${JSON.stringify(Object.fromEntries(Object.entries(item as Json).filter(([field]) => ['name', 'port', 'protocol', 'type'].includes(field))))}`
        : `v:${JSON.stringify(item ?? index)}`
      return [key, { '.': {}, ...fieldsV1(item) }]
    }))
  }
  return Object.fromEntries(Object.entries(value as Json).map(([key, child]) => [`f:${key}`, typeof child === 'object' && child !== null ? { '.': {}, ...fieldsV1(child) } : {}]))
}

function managedField (manager: string, operation: 'Apply' | 'Update', apiVersion: string, index: number, fields: Json, subresource?: string): Json {
  return { manager, operation, apiVersion, time: timestamp(index), fieldsType: 'FieldsV1', fieldsV1: fieldsV1(fields), ...(subresource === undefined ? {} : { subresource }) }
}

/** What `kubectl apply` recorded: the object as applied, without server fields. */
function lastApplied (object: Json): string {
  return `${JSON.stringify(object)}\n`
}

export function realNamespace (index: number): KubeObject {
  const team = TEAMS[index % TEAMS.length] as string
  const name = `${team}-${String(index).padStart(4, '0')}`
  const labels = {
    'kubernetes.io/metadata.name': name,
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'latest',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': 'latest',
    team,
    'cost-center': `cc-${1000 + (index % 97)}`
  }
  const applied = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { team, 'cost-center': labels['cost-center'] }, annotations: { 'openshift.io/description': `${team} services`, 'openshift.io/display-name': `${team} ${index}` } } }
  const annotations = {
    ...applied.metadata.annotations,
    'openshift.io/requester': `${team}-admin@example.com`,
    'openshift.io/sa.scc.mcs': `s0:c${26 + (index % 900)},c${index % 25}`,
    'openshift.io/sa.scc.supplemental-groups': `${1000680000 + index * 10000}/10000`,
    'openshift.io/sa.scc.uid-range': `${1000680000 + index * 10000}/10000`,
    [LAST_APPLIED]: lastApplied(applied)
  }
  return asObject({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: uid(`ns/${name}`),
      creationTimestamp: timestamp(index),
      labels,
      annotations,
      managedFields: [
        managedField('kubectl-client-side-apply', 'Update', 'v1', index, { metadata: { labels: applied.metadata.labels, annotations: { ...applied.metadata.annotations, [LAST_APPLIED]: '' } } }),
        managedField('cluster-policy-controller', 'Update', 'v1', index, { metadata: { annotations: { 'openshift.io/sa.scc.mcs': '', 'openshift.io/sa.scc.supplemental-groups': '', 'openshift.io/sa.scc.uid-range': '' } } }),
        managedField('pod-security-admission-label-synchronization-controller', 'Update', 'v1', index, { metadata: { labels: { 'pod-security.kubernetes.io/audit': '', 'pod-security.kubernetes.io/audit-version': '', 'pod-security.kubernetes.io/warn': '', 'pod-security.kubernetes.io/warn-version': '' } } })
      ]
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' }
  })
}

/** Namespace of the index-th Service or Route when `perNamespace` live in each of `namespaces`. */
function homeOf (index: number, namespaces: number, perNamespace: number): { namespace: string, ordinal: number, namespaceIndex: number } {
  const namespaceIndex = Math.floor(index / perNamespace) % namespaces
  return { namespace: realNamespace(namespaceIndex).metadata?.name ?? '', ordinal: index % perNamespace, namespaceIndex }
}

function helmMetadata (name: string, namespace: string, component: string, release: string): { labels: Record<string, string>, annotations: Record<string, string> } {
  return {
    labels: {
      app: name,
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/instance': release,
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/part-of': release,
      'app.kubernetes.io/managed-by': 'Helm',
      'helm.sh/chart': `${release}-1.${namespace.length % 9}.0`
    },
    annotations: { 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': namespace }
  }
}

export function realService (index: number, namespaces: number, perNamespace: number): KubeObject {
  const { namespace, ordinal, namespaceIndex } = homeOf(index, namespaces, perNamespace)
  const component = COMPONENTS[ordinal % COMPONENTS.length] as string
  const name = `${component}-${ordinal}`
  const release = namespace.replace(/-\d+$/, '')
  const { labels, annotations } = helmMetadata(name, namespace, component, release)
  const spec = {
    ports: [
      { name: 'http', port: 8080, protocol: 'TCP', targetPort: 'http' },
      { name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 9090 }
    ],
    selector: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': release }
  }
  const applied = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels, annotations }, spec }
  const clusterIP = `172.30.${(index >> 8) & 255}.${index & 255}`
  return asObject({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace,
      uid: uid(`svc/${namespace}/${name}`),
      creationTimestamp: timestamp(namespaceIndex + ordinal),
      labels,
      annotations: {
        ...annotations,
        ...(ordinal === 0 ? { 'external-dns.alpha.kubernetes.io/hostname': `${namespace}.apps.example.com` } : {}),
        [LAST_APPLIED]: lastApplied(applied)
      },
      managedFields: [
        managedField('helm', 'Update', 'v1', index, { metadata: { labels, annotations }, spec }),
        managedField('kubectl-client-side-apply', 'Update', 'v1', index, { metadata: { annotations: { [LAST_APPLIED]: '' } } })
      ]
    },
    spec: {
      ...spec,
      clusterIP,
      clusterIPs: [clusterIP],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
      type: 'ClusterIP'
    },
    status: { loadBalancer: {} }
  })
}

export function realRoute (index: number, namespaces: number, perNamespace: number): KubeObject {
  const { namespace, ordinal, namespaceIndex } = homeOf(index, namespaces, perNamespace)
  const name = `route-${ordinal}`
  const release = namespace.replace(/-\d+$/, '')
  const { labels, annotations } = helmMetadata(name, namespace, 'frontend', release)
  const host = `${name}-${namespace}.apps.cluster.example.com`
  const spec = {
    host,
    path: ordinal % 2 === 0 ? '/' : '/api',
    port: { targetPort: 'http' },
    tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
    to: { kind: 'Service', name: `frontend-${ordinal}`, weight: 100 },
    wildcardPolicy: 'None'
  }
  const applied = { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name, namespace, labels, annotations }, spec }
  return asObject({
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: {
      name,
      namespace,
      uid: uid(`route/${namespace}/${name}`),
      creationTimestamp: timestamp(namespaceIndex + ordinal),
      labels,
      annotations: { ...annotations, 'haproxy.router.openshift.io/timeout': '60s', 'openshift.io/host.generated': 'false', [LAST_APPLIED]: lastApplied(applied) },
      managedFields: [
        managedField('helm', 'Update', 'route.openshift.io/v1', index, { metadata: { labels, annotations }, spec }),
        managedField('openshift-router', 'Update', 'route.openshift.io/v1', index, { status: { ingress: [{ host, routerName: 'default' }] } }, 'status')
      ]
    },
    spec,
    status: {
      ingress: [{
        host,
        routerName: 'default',
        routerCanonicalHostname: 'router-default.apps.cluster.example.com',
        wildcardPolicy: 'None',
        conditions: [{ type: 'Admitted', status: 'True', lastTransitionTime: timestamp(namespaceIndex + ordinal) }]
      }]
    }
  })
}

export interface ClusterShape {
  readonly namespaces: number
  readonly services: number
  readonly routes: number
}

/** The large cluster: 5,000 namespaces, 30,000 Services, 10,000 Routes. */
export const LARGE_CLUSTER: ClusterShape = { namespaces: 5000, services: 30_000, routes: 10_000 }

/** Every object of a cluster of that shape, kind by kind. */
export function * realCluster (shape: ClusterShape): Generator<KubeObject> {
  for (let index = 0; index < shape.namespaces; index++) yield realNamespace(index)
  const servicesPerNamespace = Math.max(1, Math.ceil(shape.services / shape.namespaces))
  for (let index = 0; index < shape.services; index++) yield realService(index, shape.namespaces, servicesPerNamespace)
  const routesPerNamespace = Math.max(1, Math.ceil(shape.routes / shape.namespaces))
  for (let index = 0; index < shape.routes; index++) yield realRoute(index, shape.namespaces, routesPerNamespace)
}
