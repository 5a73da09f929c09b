import Type from 'typebox'
import { describeReach, isOpenEnded, namespaceReach, readLabelSelector } from '../../label-selector.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { EGRESS_IP_KIND, egressIpSpec } from './egress.ts'

const PATH = 'spec.namespaceSelector'

/**
 * An EgressIP gives the namespaces it selects a source address that partners and firewalls
 * trust. Judged by what the selector selects, not how it is spelt: `{}`, `kubernetes.io/metadata.name`
 * Exists (every namespace has it), NotIn a few names, or only NotIn / DoesNotExist on other
 * labels all reach namespaces nobody chose, the platform's and every one created later.
 */
export const egressIpSelector = defineRule({
  type: 'validate',
  id: 'EGRESSIP-SELECTOR',
  kinds: EGRESS_IP_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  fields: { spec: 'object' },
  summary: 'a namespaceSelector that selects every namespace, all but a few named ones, or every namespace lacking some label',
  category: 'Multitenancy',
  severity: 'high',
  settings: Type.Object({}),
  defaults: {},
  compile: () => undefined,
  check (object) {
    const { selector, problems } = readLabelSelector(egressIpSpec(object).namespaceSelector, PATH)
    if (problems.length > 0) return problems.map(({ path, message }) => ({ path, message, fix: 'write a label selector the API server accepts' }))
    const reach = namespaceReach(selector)
    if (!isOpenEnded(reach)) return []
    return [{
      path: PATH,
      message: `${PATH} selects ${describeReach(reach)}, so the egress IPs apply to namespaces nobody chose`,
      fix: 'select the namespaces by name (kubernetes.io/metadata.name In [...]) or by a label only they carry'
    }]
  }
})
