import Type from 'typebox'
import { desiredNamespace, ISOLATED, ISOLATION_LABEL, isolationLabel } from '../../../mutation/namespace.ts'
import { defineRule } from '../../rule.ts'
import { NAMESPACE_KIND } from './namespace.ts'

/**
 * New namespaces are isolated by default: whatever creates them (oc new-project, GitOps,
 * kubectl create namespace), they get the label that the default NetworkPolicies follow
 * (policy `spec.isolation.label` / `value`, netguard.io/isolation: default-deny by default).
 */
export const nsIsolation = defineRule({
  type: 'mutate',
  id: 'NS-ISOLATION',
  kinds: NAMESPACE_KIND,
  operations: ['CREATE'],
  defaultAction: 'mutate',
  summary: 'a namespace created without the isolation label (spec.isolation, netguard.io/isolation by default) gets it',
  settings: Type.Object({}),
  defaults: {},
  compile: (_settings, shared) => ({ label: shared?.isolation.label ?? ISOLATION_LABEL, value: shared?.isolation.value ?? ISOLATED }),
  mutate (object, _context, { label, value }) {
    if (isolationLabel(object, label) !== undefined) return undefined
    return { object: desiredNamespace(object, label, value), message: `adds label ${label}=${value}` }
  }
})
