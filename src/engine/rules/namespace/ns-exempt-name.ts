import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { defineRule } from '../../rule.ts'
import { NAMESPACE_KIND } from './namespace.ts'

/**
 * Exemption by namespace name covers what is in an exempt namespace, and the namespace itself
 * once it exists. Creating one is different: whoever picks the name would pick its exemption
 * (a tenant allowed to create namespaces names one `kube-evil`, or has a GitOps controller
 * create `openshift-evil` for it). So a new Namespace under an exempt name is refused to anyone
 * who is not exempt as a user or group.
 */
export const nsExemptName = defineRule({
  type: 'validate',
  id: 'NS-EXEMPT-NAME',
  kinds: NAMESPACE_KIND,
  operations: ['CREATE'],
  defaultAction: 'deny',
  guardsExemptions: true,
  summary: 'creating a Namespace whose name the policy exempts (kube-*, openshift-* by default), by anyone not exempt',
  category: 'Multitenancy',
  severity: 'critical',
  settings: Type.Object({}),
  defaults: {},
  compile: (_settings, shared) => shared?.exemptions.namespaces ?? compileGlobs([]),
  check (object, context, exempt) {
    const name = typeof object.metadata?.name === 'string' ? object.metadata.name : context.name
    if (name === undefined || !exempt.matches(name)) return []
    return [{
      path: 'metadata.name',
      message: `metadata.name ${name} is a namespace netguard exempts by name (${exempt.patterns.join(', ')}), which only exempt users and groups may create`,
      fix: 'choose a name outside the exempt namespaces, or have a cluster admin who is exempt create it'
    }]
  }
})
