import Type from 'typebox'
import type { NetworkPolicy } from '../../../kube/types.ts'
import { asksForLabel, readLabelSelector } from '../../label-selector.ts'
import { metaOf } from '../../read.ts'
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
  category: 'Network isolation',
  severity: 'low',
  settings: Type.Object({
    allowedNames: Type.Optional(Type.Array(Type.String(), { description: 'NetworkPolicy names (globs) that may select every pod' }))
  }),
  defaults: { allowedNames: ['default-deny'] },
  compile: (settings) => compileGlobs(settings.allowedNames),
  check (object, context, allowedNames) {
    const { selector, problems } = readLabelSelector((object as NetworkPolicy).spec?.podSelector, 'spec.podSelector')
    if (problems.length > 0) return problems.map(({ path, message }) => ({ path, message, fix: 'write a label selector the API server accepts' }))
    if (asksForLabel(selector) || allowedNames.matches(metaOf(object).name ?? '')) return []
    const what = selector.requirements.length === 0 ? 'is empty' : 'only excludes labels'
    return [{
      path: 'spec.podSelector',
      message: `spec.podSelector ${what}, so the policy applies to every pod in ${namespaceOf(context.namespace)}`,
      fix: 'select the pods with spec.podSelector.matchLabels'
    }]
  }
})
