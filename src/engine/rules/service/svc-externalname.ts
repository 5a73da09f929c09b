import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { isIpLiteral } from '../../net/address-set.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { inNamespace } from '../../messages.ts'
import { FieldReader } from '../../read.ts'
import { readService, SERVICE_KIND } from './service.ts'

/**
 * An ExternalName pointing inside the cluster (or at an IP) lets a tenant alias another
 * namespace's Service or the node itself past NetworkPolicy and Route ownership.
 */
export const svcExternalName = defineRule({
  type: 'validate',
  id: 'SVC-EXTERNALNAME',
  kinds: SERVICE_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'type ExternalName pointing at cluster-internal names (*.svc, *.cluster.local, localhost) or at an IP literal',
  category: 'Multitenancy',
  severity: 'high',
  settings: Type.Object({
    allowedNamespaces: Type.Optional(Type.Array(Type.String(), { description: 'namespaces (globs) exempt from this rule' })),
    forbiddenNames: Type.Optional(Type.Array(Type.String(), { description: 'name globs, compared case-insensitively without a trailing dot' })),
    forbidIpLiterals: Type.Optional(Type.Boolean())
  }),
  defaults: {
    allowedNamespaces: [],
    forbiddenNames: ['localhost', '*.localhost', 'localhost.localdomain', '*.svc', '*.cluster.local', '*.svc.cluster.local'],
    forbidIpLiterals: true
  },
  compile: (settings) => ({
    allowed: compileGlobs(settings.allowedNamespaces),
    forbidden: compileGlobs(settings.forbiddenNames, { ignoreCase: true }),
    forbidIpLiterals: settings.forbidIpLiterals
  }),
  check (object, context, settings) {
    if (settings.allowed.matches(context.namespace ?? '')) return []
    const reader = new FieldReader()
    const { spec, type } = readService(object, reader)
    const target = type === 'ExternalName' ? reader.string(spec.externalName, 'spec.externalName') : undefined
    if (target === undefined) return [...reader.problems]
    const name = target.trim().replace(/\.$/, '')
    const fix = 'point spec.externalName at an external DNS name'
    if (settings.forbidden.matches(name)) {
      return [{ path: 'spec.externalName', message: `spec.externalName ${JSON.stringify(target)} is a cluster-internal name ${inNamespace(context)}`, fix }]
    }
    if (settings.forbidIpLiterals && isIpLiteral(name.replace(/^\[|\]$/g, ''))) {
      return [{ path: 'spec.externalName', message: `spec.externalName ${JSON.stringify(target)} is an IP address`, fix }]
    }
    return []
  }
})
