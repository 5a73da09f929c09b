import Type from 'typebox'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { platformReach } from '../admin-network-policy/platform-reach.ts'
import { asObject } from '../../read.ts'
import { CUDN_KIND } from './network.ts'

/**
 * A ClusterUserDefinedNetwork joins every namespace it selects: selecting every namespace, or
 * the platform's, moves the cluster's own pods (a Primary network replaces their cluster
 * network) or opens them to a network tenants share.
 */
export const cudnSelector = defineRule({
  type: 'validate',
  id: 'CUDN-SELECTOR',
  kinds: [CUDN_KIND],
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'a ClusterUserDefinedNetwork namespaceSelector that selects every namespace, or exempt (platform) namespaces',
  settings: Type.Object({}),
  defaults: {},
  compile: (_settings, shared) => shared?.exemptions,
  check (object, context, exemptions) {
    const selector = (asObject(object['spec']) ?? {})['namespaceSelector']
    return platformReach(selector, 'spec.namespaceSelector', context, exemptions, 'the network')
  }
})
