import Type from 'typebox'
import { clusterObjects, NAMESPACE_KIND_REF, namespaceLabels, unknownState, WhenUnknownSchema } from '../../cluster.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { CUDN_KIND, namespaceList, NETWORK_KINDS, PRIMARY_UDN_LABEL, reviewedKind, selectedNamespaces, userDefinedNetwork } from './network.ts'

const FIX = `create the namespace with the label ${PRIMARY_UDN_LABEL}: "" (it cannot be added later), or make the network Secondary`

/**
 * OVN-Kubernetes gives a namespace a primary user-defined network only if the namespace was
 * created with the label `k8s.ovn.org/primary-user-defined-network`; without it the network is
 * refused (its status says so) and the pods stay on the cluster network, unsegmented. Saying so
 * at admission spares a tenant a network that silently does nothing.
 */
export const udnPrimaryLabel = defineRule({
  type: 'validate',
  id: 'UDN-PRIMARY-LABEL',
  kinds: NETWORK_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: `a Primary user-defined network for a namespace that was not created with the label ${PRIMARY_UDN_LABEL}`,
  settings: Type.Object({ whenUnknown: Type.Optional(WhenUnknownSchema) }),
  defaults: { whenUnknown: 'warn' },
  compile: (settings) => settings,
  check (object, context, { whenUnknown }) {
    const kind = reviewedKind(context)
    const network = userDefinedNetwork(object, kind)
    if (network.primary === undefined) return []
    if (kind !== CUDN_KIND) {
      const labels = namespaceLabels(context, object)
      if (labels === undefined) {
        return [unknownState(context, `the labels of namespace ${context.namespace ?? ''}`, whenUnknown, { path: network.primary, code: 'labels-unknown' })]
      }
      if (labels[PRIMARY_UDN_LABEL] !== undefined) return []
      return [{
        path: network.primary,
        code: 'unlabelled',
        message: `a Primary network needs namespace ${context.namespace ?? ''} to carry the label ${PRIMARY_UDN_LABEL}, set when it was created`,
        fix: FIX
      }]
    }
    const selected = selectedNamespaces(object, context)
    if (selected === undefined) {
      const found = clusterObjects(context, NAMESPACE_KIND_REF, whenUnknown)
      return 'unknown' in found ? [found.unknown] : []
    }
    const unlabelled = selected.filter((namespace) => namespace.metadata?.labels?.[PRIMARY_UDN_LABEL] === undefined)
    if (unlabelled.length === 0) return []
    return [{
      path: 'spec.namespaceSelector',
      message: `a Primary network selects namespaces without the label ${PRIMARY_UDN_LABEL}: ${namespaceList(unlabelled)}`,
      fix: `select only namespaces created with the label ${PRIMARY_UDN_LABEL}: "" (it cannot be added later), or make the network Secondary`
    }]
  }
})
