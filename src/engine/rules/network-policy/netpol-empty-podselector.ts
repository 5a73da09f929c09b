import Type from 'typebox'
import { selectsEverything, type NetworkPolicy } from '../../../kube/types.ts'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { namespaceOf, NETWORK_POLICY_KIND } from './network-policy.ts'

/**
 * A policy with an empty podSelector applies to every pod of the namespace; some organisations
 * keep that for the one default-deny policy and want every other policy to name its pods.
 */
export const netpolEmptyPodSelector = defineRule({
  type: 'validate',
  id: 'NETPOL-EMPTY-PODSELECTOR',
  kinds: NETWORK_POLICY_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'off',
  summary: 'an empty spec.podSelector (every pod of the namespace) outside the allowed policy names',
  settings: Type.Object({
    allowedNames: Type.Optional(Type.Array(Type.String(), { description: 'NetworkPolicy names (globs) that may select every pod' }))
  }),
  defaults: { allowedNames: ['default-deny'] },
  compile: (settings) => compileGlobs(settings.allowedNames),
  check (object, context, allowedNames) {
    const selector = (object as NetworkPolicy).spec?.podSelector
    if (selector !== undefined && selector !== null && !selectsEverything(selector)) return []
    if (allowedNames.matches(object.metadata?.name ?? '')) return []
    return [{
      path: 'spec.podSelector',
      message: `spec.podSelector is empty, so the policy applies to every pod in ${namespaceOf(context.namespace)}`,
      fix: 'select the pods with spec.podSelector.matchLabels'
    }]
  }
})
