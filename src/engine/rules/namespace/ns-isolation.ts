import Type from 'typebox'
import { desiredNamespace, ISOLATED, ISOLATION_LABEL, isolationLabel } from '../../../mutation/namespace.ts'
import { defineRule } from '../../rule.ts'
import { NAMESPACE_KIND } from './namespace.ts'

/**
 * New namespaces are isolated by default: whatever creates them (oc new-project, GitOps,
 * kubectl create namespace), they get the label that the default NetworkPolicies follow
 * (policy `spec.isolation.label` / `value`, netguard.io/isolation: default-deny by default).
 * An update that drops the label gets it back: a GitOps tool replacing the Namespace with its
 * manifest (which never had the label) must not fail, nor open the namespace up. An update never
 * labels a namespace that was not isolated: that would cut its traffic behind its owner's back.
 * Setting the label to another value is NS-ISOLATION-OPTOUT's to refuse.
 */
export const nsIsolation = defineRule({
  type: 'mutate',
  id: 'NS-ISOLATION',
  kinds: NAMESPACE_KIND,
  operations: ['CREATE', 'UPDATE'],
  defaultAction: 'mutate',
  summary: 'a namespace created without the isolation label (spec.isolation, netguard.io/isolation by default) gets it; an update that drops it gets it back',
  category: 'Network isolation',
  severity: 'medium',
  settings: Type.Object({}),
  defaults: {},
  compile: (_settings, shared) => ({ label: shared?.isolation.label ?? ISOLATION_LABEL, value: shared?.isolation.value ?? ISOLATED }),
  mutate (object, context, { label, value }) {
    if (isolationLabel(object, label) !== undefined) return undefined
    if (context.operation === 'CREATE') return { object: desiredNamespace(object, label, value), message: `adds label ${label}=${value}` }
    if (isolationLabel(context.oldObject, label) !== value) return undefined
    return { object: desiredNamespace(object, label, value), message: `keeps label ${label}=${value}, which this update dropped` }
  }
})
