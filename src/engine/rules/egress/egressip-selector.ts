import Type from 'typebox'
import { selectsEverything } from '../../../kube/types.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { EGRESS_IP_KIND, egressIpSpec } from './egress.ts'

/** An EgressIP without a namespace selector would give every namespace the same trusted source. */
export const egressIpSelector = defineRule({
  type: 'validate',
  id: 'EGRESSIP-SELECTOR',
  kinds: EGRESS_IP_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'an empty namespaceSelector (the egress IPs apply to every namespace)',
  settings: Type.Object({}),
  defaults: {},
  compile: () => undefined,
  check (object) {
    const selector = egressIpSpec(object).namespaceSelector
    if (selector !== undefined && selector !== null && !selectsEverything(selector)) return []
    return [{
      path: 'spec.namespaceSelector',
      message: 'spec.namespaceSelector is empty, so the egress IPs apply to every namespace',
      fix: 'select the namespaces with spec.namespaceSelector.matchLabels'
    }]
  }
})
