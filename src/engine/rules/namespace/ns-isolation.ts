import Type from 'typebox'
import { desiredNamespace, ISOLATED, ISOLATION_LABEL, isolationLabel } from '../../../mutation/namespace.ts'
import { defineRule } from '../../rule.ts'
import { NAMESPACE_KIND } from './namespace.ts'

/**
 * New namespaces are isolated by default: whatever creates them (oc new-project, GitOps,
 * kubectl create namespace), they get the label that the default NetworkPolicies follow.
 */
export const nsIsolation = defineRule({
  type: 'mutate',
  id: 'NS-ISOLATION',
  kinds: NAMESPACE_KIND,
  operations: ['CREATE'],
  defaultAction: 'mutate',
  summary: `a namespace created without the isolation label gets ${ISOLATION_LABEL}: ${ISOLATED}`,
  settings: Type.Object({}),
  defaults: {},
  compile: () => undefined,
  mutate (object) {
    if (isolationLabel(object) !== undefined) return undefined
    return { object: desiredNamespace(object), message: `adds label ${ISOLATION_LABEL}=${ISOLATED}` }
  }
})
