import Type from 'typebox'
import { compileHostSuffixSettings, displayHost, hostSuffixFinding, HostSuffixSettings, isWildcardHost, normalizeHost } from '../../net/hosts.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import { defaultBackend, INGRESS_KINDS, ingressRules, ruleHost } from './ingress.ts'

/**
 * ROUTE-HOST and ROUTE-WILDCARD for Ingress hosts. A rule without a host and a default backend
 * both answer for every host that reaches the controller, including other tenants' names.
 */
export const ingHost = defineRule({
  type: 'validate',
  id: 'ING-HOST',
  kinds: INGRESS_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: {
    spec: 'object',
    'spec.rules': 'list',
    'spec.rules[]': 'object',
    'spec.rules[].host': 'string',
    'spec.defaultBackend': 'object',
    'spec.backend': 'object'
  },
  summary: 'a rule host outside the allowed domains or a wildcard; a rule without a host, or spec.defaultBackend, catches every host',
  category: 'Ingress security',
  severity: 'high',
  settings: Type.Object({
    ...HostSuffixSettings,
    allowWildcards: Type.Optional(Type.Boolean({ description: 'allow rule hosts such as *.example.com' })),
    allowMissingHost: Type.Optional(Type.Boolean({ description: 'allow rules without a host (they match every host)' })),
    allowDefaultBackend: Type.Optional(Type.Boolean({ description: 'allow spec.defaultBackend (it answers for every host)' })),
    maxHosts: Type.Optional(Type.Integer({ minimum: 0, description: 'the most distinct rule hosts one Ingress may name (one owner per host); 0 for no limit' }))
  }),
  defaults: { allowedHostSuffixes: [], namespaceHostSuffixes: [], allowWildcards: false, allowMissingHost: false, allowDefaultBackend: false, maxHosts: 0 },
  compile: (settings) => ({ ...settings, suffixes: compileHostSuffixSettings(settings) }),
  check (object, context, settings) {
    const where = inNamespace(context)
    const findings: Finding[] = []
    const backend = defaultBackend(object)
    if (backend !== undefined && !settings.allowDefaultBackend) {
      findings.push({ path: backend.path, message: `${backend.path} answers requests for every host ${where}`, fix: `remove ${backend.path} and route by host in spec.rules` })
    }
    const hosts = new Set<string>()
    for (const { item: rule, index } of ingressRules(object)) {
      const path = `spec.rules[${index}].host`
      const text = ruleHost(rule)
      if (text === undefined) {
        if (!settings.allowMissingHost) findings.push({ path, message: `spec.rules[${index}] has no host, so it answers requests for every host ${where}`, fix: `set ${path}` })
        continue
      }
      const host = normalizeHost(text)
      hosts.add(host ?? text)
      if (host === undefined) {
        findings.push({ path, message: `${path} ${displayHost(text)} is not a valid host name`, fix: 'use a DNS name such as shop.apps.example.com' })
        continue
      }
      if (isWildcardHost(host) && !settings.allowWildcards) {
        findings.push({ path, message: `${path} ${host} is a wildcard ${where}`, fix: `name one host in ${path}` })
        continue
      }
      const outside = hostSuffixFinding(path, host, host, settings.suffixes, context.namespace, where)
      if (outside !== undefined) findings.push(outside)
    }
    if (settings.maxHosts > 0 && hosts.size > settings.maxHosts) {
      findings.push({
        path: 'spec.rules',
        message: `spec.rules name ${hosts.size} hosts (${[...hosts].join(', ')}); at most ${settings.maxHosts} allowed per Ingress ${where}`,
        fix: 'split the Ingress into one per host'
      })
    }
    return findings
  }
})
