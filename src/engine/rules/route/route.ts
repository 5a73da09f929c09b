import type { KubeObject, Route, RouteTls } from '../../../kube/types.ts'
import { normalizeHost } from '../../net/hosts.ts'

export const ROUTE_KIND = [{ group: 'route.openshift.io', kind: 'Route' }] as const

/** The Route's spec, or an empty one when it is missing or not an object (input is untrusted). */
export function routeSpec (object: KubeObject): NonNullable<Route['spec']> {
  const spec = (object as Route).spec
  return typeof spec === 'object' && spec !== null ? spec : {}
}

/** `spec.tls` when it is an object; a Route without it serves plain HTTP. */
export function routeTls (object: KubeObject): RouteTls | undefined {
  const tls = routeSpec(object).tls
  return typeof tls === 'object' && tls !== null ? tls : undefined
}

/** A string field of `spec.tls`, or undefined when absent, empty or not a string. */
export function tlsField (tls: RouteTls, field: keyof Omit<RouteTls, 'externalCertificate'>): string | undefined {
  const value = tls[field]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** `spec.host` as written, or undefined when empty (the router then generates one). */
export function routeHostText (object: KubeObject): string | undefined {
  const host = routeSpec(object).host
  return typeof host === 'string' && host !== '' ? host : undefined
}

/** `spec.host` in canonical form; undefined when empty or not a host name. */
export function routeHost (object: KubeObject): string | undefined {
  const text = routeHostText(object)
  return text === undefined ? undefined : normalizeHost(text)
}

/** `wildcardPolicy: Subdomain`: the Route serves every host next to its own (`*.` + its parent domain). */
export function isSubdomainRoute (object: KubeObject): boolean {
  const policy = routeSpec(object).wildcardPolicy
  return typeof policy === 'string' && policy.toLowerCase() === 'subdomain'
}

export function routePath (object: KubeObject): string {
  const path = routeSpec(object).path
  return typeof path === 'string' ? path : ''
}
