import Type from 'typebox'
import { defineRule } from '../../rule.ts'
import { PRIMARY_UDN_LABEL } from './network.ts'

const PATH = `metadata.labels["${PRIMARY_UDN_LABEL}"]`

/**
 * OVN-Kubernetes reads the label when a namespace is created and never again: added later it
 * promises a primary network that will not come, removed later it leaves pods on a network the
 * namespace no longer declares. OVN-Kubernetes ships an admission policy refusing both; this rule
 * does the same with a message that says why.
 */
export const nsUdnLabel = defineRule({
  type: 'validate',
  id: 'NS-UDN-LABEL',
  kinds: [{ group: '', kind: 'Namespace' }],
  operations: ['UPDATE'],
  defaultAction: 'deny',
  judgesChanges: true,
  summary: `adding or removing the label ${PRIMARY_UDN_LABEL} on an existing namespace (it can only be set at creation)`,
  settings: Type.Object({}),
  defaults: {},
  compile: () => undefined,
  check (object, context) {
    const had = context.oldObject?.metadata?.labels?.[PRIMARY_UDN_LABEL] !== undefined
    const has = object.metadata?.labels?.[PRIMARY_UDN_LABEL] !== undefined
    if (had === has) return []
    return [{
      path: PATH,
      message: had
        ? `${PATH} cannot be removed: OVN-Kubernetes read it when the namespace was created`
        : `${PATH} can only be set when the namespace is created; OVN-Kubernetes does not read it later`,
      fix: had ? 'keep the label' : 'create a new namespace with the label and move the workloads there'
    }]
  }
})
