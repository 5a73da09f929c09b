import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import { INGRESS_KINDS, ingressRules, rulePaths } from './ingress.ts'

/**
 * Paths that name files of the controller's own host rather than URLs of the application.
 * ingress-nginx writes `path` into its nginx configuration, and a path such as
 * `/var/run/secrets` was enough to read the controller's service-account token (CVE-2021-25745).
 */
export const ingPath = defineRule({
  type: 'validate',
  id: 'ING-PATH',
  kinds: INGRESS_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'off',
  fields: {
    spec: 'object',
    'spec.rules': 'list',
    'spec.rules[]': 'object',
    'spec.rules[].http': 'object',
    'spec.rules[].http.paths': 'list',
    'spec.rules[].http.paths[]': 'object',
    'spec.rules[].http.paths[].path': 'string'
  },
  summary: 'a spec.rules[].http.paths[].path matching a forbidden pattern (controller file paths, CVE-2021-25745)',
  category: 'Ingress security',
  severity: 'high',
  settings: Type.Object({
    forbiddenPaths: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'path globs (* any run of characters); "*/etc*" refuses any path containing /etc' })),
    allowedNamespaces: Type.Optional(Type.Array(Type.String(), { description: 'namespaces (globs) exempt from this rule' }))
  }),
  defaults: {
    forbiddenPaths: ['*/etc', '*/etc/*', '*/root', '*/root/*', '*/proc/*', '*/var/run/secrets*', '*/var/run/kubernetes*', '*/run/secrets*'],
    allowedNamespaces: []
  },
  compile: (settings) => ({
    forbidden: compileGlobs(settings.forbiddenPaths),
    // Each pattern on its own as well, to name the one a path matched.
    patterns: settings.forbiddenPaths.map((pattern) => ({ pattern, glob: compileGlobs([pattern]) })),
    allowed: compileGlobs(settings.allowedNamespaces)
  }),
  check (object, context, settings) {
    if (settings.allowed.matches(context.namespace ?? '')) return []
    const findings: Finding[] = []
    for (const { item: rule, index } of ingressRules(object)) {
      for (const { item: entry, index: pathIndex } of rulePaths(rule)) {
        const path = `spec.rules[${index}].http.paths[${pathIndex}].path`
        const text = entry.path
        if (typeof text !== 'string' || !settings.forbidden.matches(text)) continue
        const pattern = settings.patterns.find(({ glob }) => glob.matches(text))?.pattern ?? ''
        findings.push({
          path,
          message: `${path} ${JSON.stringify(text)} matches the forbidden path ${pattern} ${inNamespace(context)}`,
          fix: 'route URL paths of the application, never file paths of the controller'
        })
      }
    }
    return findings
  }
})
