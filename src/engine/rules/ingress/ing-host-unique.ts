import Type from 'typebox'
import type { KubeObject } from '../../../kube/types.ts'
import { clusterObjects, derivedFrom, holderOf, holdersByClaim, sameObject, WhenUnknownSchema } from '../../cluster.ts'
import { normalizeHost } from '../../net/hosts.ts'
import { metaOf } from '../../read.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { INGRESS_KINDS, ingressRules, ruleHost, rulePaths } from './ingress.ts'

type Match = 'host' | 'hostAndPath' | 'topPathSegment'

/** What an Ingress claims, each with the field that claims it first. */
function claimsOf (object: KubeObject, match: Match): Map<string, string> {
  const claims = new Map<string, string>()
  const add = (claim: string, path: string): void => { if (!claims.has(claim)) claims.set(claim, path) }
  for (const { item: rule, index } of ingressRules(object)) {
    const text = ruleHost(rule)
    const host = text === undefined ? undefined : normalizeHost(text) ?? text
    if (match === 'host') {
      if (host !== undefined) add(host, `spec.rules[${index}].host`)
      continue
    }
    for (const { item, index: pathIndex } of rulePaths(rule)) {
      const path = typeof item.path === 'string' ? item.path : ''
      const field = `spec.rules[${index}].http.paths[${pathIndex}].path`
      if (match === 'topPathSegment') add(`/${path.split('/')[1] ?? ''}`, field)
      else if (host !== undefined) add(`${host}${path === '' ? '/' : path}`, field)
    }
  }
  return claims
}

const WHAT: Readonly<Record<Match, string>> = { host: 'host', hostAndPath: 'host and path', topPathSegment: 'top-level path' }

/**
 * Two Ingresses that claim the same host (or host and path) split its traffic in ways that depend
 * on the controller, and let one tenant answer for another's name. Peer policies differ on what
 * counts (host, host and path, a namespace owning top-level paths) and where (other namespaces
 * or every namespace): the settings cover each.
 */
export const ingHostUnique = defineRule({
  type: 'validate',
  id: 'ING-HOST-UNIQUE',
  kinds: INGRESS_KINDS,
  operations: CONTENT_OPERATIONS,
  reads: [INGRESS_KINDS[0]],
  defaultAction: 'deny',
  fields: {
    spec: 'object',
    'spec.rules': 'list',
    'spec.rules[]': 'object',
    'spec.rules[].host': 'string',
    'spec.rules[].http': 'object',
    'spec.rules[].http.paths': 'list',
    'spec.rules[].http.paths[]': 'object',
    'spec.rules[].http.paths[].path': 'string'
  },
  summary: 'a host (or host and path) already used by an Ingress in another namespace (needs cluster state)',
  category: 'Multitenancy',
  severity: 'high',
  settings: Type.Object({
    match: Type.Optional(Type.Enum(['host', 'hostAndPath', 'topPathSegment'], {
      description: 'what must be unique: the host, the host and path, or the first path segment (/foo of /foo/bar) whatever the host'
    })),
    scope: Type.Optional(Type.Enum(['otherNamespaces', 'allNamespaces'], {
      description: 'Ingresses compared against: those of other namespaces, or every other Ingress'
    })),
    allowWhenNamespaceHolds: Type.Optional(Type.Boolean({
      description: 'a claim other namespaces hold too is allowed when an Ingress of this namespace already holds it'
    })),
    whenUnknown: Type.Optional(WhenUnknownSchema)
  }),
  defaults: { match: 'host', scope: 'otherNamespaces', allowWhenNamespaceHolds: false, whenUnknown: 'warn' },
  compile: (settings) => settings,
  check (object, context, settings) {
    const claims = claimsOf(object, settings.match)
    if (claims.size === 0) return []
    const existing = clusterObjects(context, INGRESS_KINDS[0], settings.whenUnknown)
    if ('unknown' in existing) return [existing.unknown]
    const holdersOf = derivedFrom(existing.objects, settings, (ingresses) =>
      holdersByClaim(ingresses, (ingress) => claimsOf(ingress, settings.match).keys()))
    const self = { metadata: { name: metaOf(object).name ?? context.name, namespace: context.namespace } }
    const inHere = (ingress: KubeObject): boolean => metaOf(ingress).namespace === context.namespace
    return [...claims].flatMap(([claim, path]) => {
      const holders = (holdersOf.get(claim) ?? []).filter((ingress) => !sameObject(ingress, self))
      const blocking = holders.find((ingress) => !inHere(ingress) || settings.scope === 'allNamespaces')
      if (blocking === undefined || (settings.allowWhenNamespaceHolds && holders.some(inHere))) return []
      // The holder is named only when it is in this namespace: others' names would leak.
      const holder = holderOf(blocking, 'Ingress', context)
      return [{
        path,
        message: `${path}: the ${WHAT[settings.match]} ${claim} is already used by ${holder.named}`,
        fix: 'use another host or path, or change the existing Ingress',
        detail: `held by ${holder.full}`
      }]
    })
  }
})
