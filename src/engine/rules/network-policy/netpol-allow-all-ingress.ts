import Type from 'typebox'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { directedRules, INGRESS_FIELDS, NETWORK_POLICY_KIND } from './network-policy.ts'

/**
 * An ingress rule without peers admits every source: other namespaces, the nodes and, through
 * any LoadBalancer or NodePort, the world. Ports only narrow what is reachable, not from where.
 */
export const netpolAllowAllIngress = defineRule({
  type: 'validate',
  id: 'NETPOL-ALLOW-ALL-INGRESS',
  kinds: NETWORK_POLICY_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: INGRESS_FIELDS,
  summary: 'an ingress rule with no from (every source), ports or not',
  category: 'Network isolation',
  severity: 'high',
  settings: Type.Object({}),
  defaults: {},
  compile: () => undefined,
  check (object) {
    return directedRules(object, 'Ingress')
      .filter((rule) => rule.peers === undefined)
      .map(({ path, peersPath }) => ({
        path,
        message: `${path} has no from: it admits every source`,
        fix: `list the allowed pods, namespaces or ipBlocks in ${peersPath}`
      }))
  }
})
