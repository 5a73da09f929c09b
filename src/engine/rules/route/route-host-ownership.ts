import Type from 'typebox'
import type { KubeObject } from '../../../kube/types.ts'
import { clusterObjects, derivedFrom, holderOf, holdersByClaim, sameObject, WhenUnknownSchema } from '../../cluster.ts'
import { parentDomain } from '../../net/hosts.ts'
import { metaOf } from '../../read.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { ReviewContext } from '../../types.ts'
import { isSubdomainRoute, ROUTE_KIND, routeHost, routePath } from './route.ts'

interface Claim {
  readonly host: string
  readonly domain: string
  readonly wildcard: boolean
  readonly path: string
}

/** The index keys a Route is found under: its host, its parent domain, and the domain it covers if a wildcard. */
function claimKeys (route: KubeObject): string[] {
  const claim = claimOf(route)
  if (claim === undefined) return []
  return [`host ${claim.host}`, `domain ${claim.domain}`, ...(claim.wildcard ? [`wildcard ${claim.domain}`] : [])]
}

function claimOf (route: KubeObject): Claim | undefined {
  const host = routeHost(route)
  if (host === undefined) return undefined
  return { host, domain: parentDomain(host), wildcard: isSubdomainRoute(route), path: routePath(route) }
}

/**
 * What the OKD router does with host claims (openshift/router host_admitter): the oldest Route
 * keeps a host, and under the default `namespaceOwnership: Strict` no other namespace may claim
 * that host (whatever the path), a host under another namespace's wildcard, or a wildcard over
 * another namespace's host. Denying at admission keeps a tenant from holding a host hostage and
 * tells the user now instead of in the Route's status. Returns what blocks `claim`, if anything.
 */
function conflict (claim: Claim, other: Claim, crossNamespace: boolean, settings: Settings): string | undefined {
  if (crossNamespace && settings.namespaceOwnership === 'Strict') {
    if (other.host === claim.host) return 'host'
    if (other.wildcard && other.domain === claim.domain) return `wildcard *.${claim.domain}`
    if (claim.wildcard && other.domain === claim.domain) return `host ${other.host} under *.${claim.domain}`
    return undefined
  }
  const mode = crossNamespace ? 'samePath' : settings.sameNamespace
  if (mode === 'none') return undefined
  if (mode === 'sameHost' && other.host === claim.host) return 'host'
  if (other.path !== claim.path || other.wildcard !== claim.wildcard) return undefined
  const path = claim.path === '' ? '/' : claim.path
  if (!claim.wildcard && other.host === claim.host) return `host and path ${path}`
  if (claim.wildcard && other.domain === claim.domain) return `wildcard *.${claim.domain} and path ${path}`
  return undefined
}

interface Settings {
  readonly namespaceOwnership: 'Strict' | 'InterNamespaceAllowed'
  readonly sameNamespace: 'samePath' | 'sameHost' | 'none'
}

export const routeHostOwnership = defineRule({
  type: 'validate',
  id: 'ROUTE-HOST-OWNERSHIP',
  kinds: ROUTE_KIND,
  operations: CONTENT_OPERATIONS,
  reads: [ROUTE_KIND[0]],
  defaultAction: 'deny',
  fields: { spec: 'object', 'spec.host': 'string', 'spec.path': 'string', 'spec.wildcardPolicy': 'string' },
  summary: 'a host (or wildcard domain) already claimed by a Route in another namespace, as the OKD router sees it (needs cluster state)',
  category: 'Multitenancy',
  severity: 'high',
  settings: Type.Object({
    namespaceOwnership: Type.Optional(Type.Enum(['Strict', 'InterNamespaceAllowed'], {
      description: 'as the IngressController routeAdmission: Strict gives a host to one namespace; InterNamespaceAllowed lets namespaces share a host on different paths'
    })),
    sameNamespace: Type.Optional(Type.Enum(['samePath', 'sameHost', 'none'], {
      description: 'conflicts within the namespace: samePath (the router admits only the oldest), sameHost (one Route per host), none'
    })),
    whenUnknown: Type.Optional(WhenUnknownSchema)
  }),
  defaults: { namespaceOwnership: 'Strict', sameNamespace: 'samePath', whenUnknown: 'warn' },
  compile: (settings) => settings,
  check (object, context, settings) {
    const claim = claimOf(object)
    if (claim === undefined) return []
    const existing = clusterObjects(context, ROUTE_KIND[0], settings.whenUnknown)
    if ('unknown' in existing) return [existing.unknown]
    const claimed = derivedFrom(existing.objects, settings, (routes) => holdersByClaim(routes, claimKeys))
    const self = selfRef(object, context)
    // Every conflict shares the host, or a parent domain where one side is a wildcard.
    const candidates = claim.wildcard
      ? claimed.get(`domain ${claim.domain}`) ?? []
      : [...claimed.get(`host ${claim.host}`) ?? [], ...claimed.get(`wildcard ${claim.domain}`) ?? []]
    for (const route of candidates) {
      const other = claimOf(route)
      if (other === undefined || sameObject(route, self)) continue
      const namespace = metaOf(route).namespace
      const crossNamespace = namespace !== context.namespace
      const what = conflict(claim, other, crossNamespace, settings)
      if (what === undefined) continue
      // The router does not name Routes of other namespaces either: that would leak them.
      const holder = holderOf(route, 'Route', context)
      return [{
        path: 'spec.host',
        message: `spec.host ${claim.host}: the ${what} is already claimed by ${holder.named}`,
        fix: crossNamespace ? 'use another host, or ask the owner of the host to release it' : 'use another host or path, or change the existing Route',
        detail: `held by ${holder.full}`
      }]
    }
    return []
  }
})

/** The object as stored: a new object may leave its namespace (and name, on UPDATE) to the request. */
function selfRef (object: KubeObject, context: ReviewContext): KubeObject {
  return { metadata: { name: metaOf(object).name ?? context.name, namespace: context.namespace } }
}
