import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { NAD_KIND, nadConfig } from './network-attachment.ts'

/** Every other NAD rule reads spec.config: one that is missing or unreadable cannot be vetted at all. */
export const nadConfigRule = defineRule({
  type: 'validate',
  id: 'NAD-CONFIG',
  kinds: NAD_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: { spec: 'object' },
  summary: 'spec.config missing, not valid JSON, or without type / plugins / cniVersion',
  category: 'Multiple networks',
  severity: 'medium',
  settings: Type.Object({
    allowMissingConfigNamespaces: Type.Optional(Type.Array(Type.String(), {
      description: 'namespaces (globs) whose NADs may leave spec.config out (Multus then reads a CNI file on the node)'
    }))
  }),
  defaults: { allowMissingConfigNamespaces: [] },
  compile: (settings) => ({ allowMissing: compileGlobs(settings.allowMissingConfigNamespaces) }),
  check (object, context, { allowMissing }) {
    const config = nadConfig(object)
    if (config.missing) {
      if (allowMissing.matches(context.namespace ?? '')) return []
      return config.problems.map(({ path, message }) => ({ path, message, fix: 'put the CNI configuration in spec.config as a JSON string' }))
    }
    return config.problems.map(({ path, message }) => ({
      path,
      message,
      fix: 'make spec.config a JSON object with cniVersion and either type (one plugin) or plugins (a list)'
    }))
  }
})
