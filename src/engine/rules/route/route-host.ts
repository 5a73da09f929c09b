import Type from 'typebox'
import { compileHostSuffixSettings, displayHost, hostSuffixFinding, HostSuffixSettings, parentDomain } from '../../net/hosts.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { inNamespace } from '../../messages.ts'
import { isSubdomainRoute, ROUTE_KIND, routeHost, routeHostText } from './route.ts'

/**
 * A Route's host must be under a domain the namespace may use. A wildcard Route
 * (`wildcardPolicy: Subdomain`) serves every host next to its own, so its parent domain must be
 * allowed as a whole. An empty host is filled in by the router under the cluster's ingress
 * domain (from `spec.subdomain` or the Route's name and namespace), which the admin controls.
 */
export const routeHostRule = defineRule({
  type: 'validate',
  id: 'ROUTE-HOST',
  kinds: ROUTE_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: { spec: 'object', 'spec.host': 'string', 'spec.wildcardPolicy': 'string' },
  summary: 'spec.host not under an allowed domain, globally or for the namespace ({namespace} template)',
  category: 'Ingress security',
  severity: 'high',
  settings: Type.Object({
    ...HostSuffixSettings,
    allowGeneratedHost: Type.Optional(Type.Boolean({ description: 'allow an empty spec.host, which the router fills in under the cluster ingress domain' }))
  }),
  defaults: { allowedHostSuffixes: [], namespaceHostSuffixes: [], allowGeneratedHost: true },
  compile: (settings) => ({ suffixes: compileHostSuffixSettings(settings), allowGeneratedHost: settings.allowGeneratedHost }),
  check (object, context, { suffixes, allowGeneratedHost }) {
    const text = routeHostText(object)
    if (text === undefined) {
      if (allowGeneratedHost) return []
      return [{ path: 'spec.host', message: `spec.host is empty, so the router would choose the host ${inNamespace(context)}`, fix: 'set spec.host to a host under an allowed domain' }]
    }
    const host = routeHost(object)
    if (host === undefined) {
      return [{ path: 'spec.host', message: `spec.host ${displayHost(text)} is not a valid host name`, fix: 'use a DNS name such as shop.apps.example.com' }]
    }
    const claimed = isSubdomainRoute(object) && !host.startsWith('*.') ? `*.${parentDomain(host)}` : host
    const finding = hostSuffixFinding('spec.host', claimed, claimed === host ? host : `${host} (wildcard ${claimed})`, suffixes, context.namespace, inNamespace(context))
    return finding === undefined ? [] : [finding]
  }
})
