import Type from 'typebox'
import { asksForLabel, describeReach, isOpenEnded, namespaceReach, readLabelSelector } from '../../label-selector.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { directedRules, type Direction, NETWORK_POLICY_KIND, PEER_FIELDS } from './network-policy.ts'

const REACH = { Ingress: 'admits every pod there', Egress: 'allows egress to every pod there' } as const
const FIX = 'select the namespaces by name (kubernetes.io/metadata.name In [...]) or by a label only they carry, or add a podSelector'

/**
 * A peer's namespaceSelector judged by what it selects: `{}`, `kubernetes.io/metadata.name`
 * Exists (every namespace has it), NotIn a few names, or only NotIn / DoesNotExist on other
 * labels all take in namespaces nobody chose, other tenants' among them. Without a pod
 * selector that names pods (an empty one, or one with only NotIn / DoesNotExist), the peer is
 * every pod there.
 */
export const netpolAllNamespaces = defineRule({
  type: 'validate',
  id: 'NETPOL-ALL-NAMESPACES',
  kinds: NETWORK_POLICY_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'warn',
  fields: PEER_FIELDS,
  summary: 'a peer whose namespaceSelector selects every namespace (or all but a few, or every one lacking a label) without a podSelector that names pods',
  category: 'Network isolation',
  severity: 'medium',
  settings: Type.Object({
    directions: Type.Optional(Type.Array(Type.Enum(['Ingress', 'Egress']), { description: 'rule directions to check: Ingress (from) and/or Egress (to)' }))
  }),
  defaults: { directions: ['Ingress', 'Egress'] },
  compile: (settings) => new Set<Direction>(settings.directions),
  check (object, _context, directions) {
    const findings: Finding[] = []
    for (const direction of directions) {
      for (const { peersPath, peers } of directedRules(object, direction)) {
        for (const [index, peer] of (peers ?? []).entries()) {
          // Without a namespaceSelector the peer stays in the policy's own namespace.
          if (peer.namespaceSelector === undefined || peer.namespaceSelector === null) continue
          const path = `${peersPath}[${index}].namespaceSelector`
          const namespaces = readLabelSelector(peer.namespaceSelector, path)
          const pods = readLabelSelector(peer.podSelector, `${peersPath}[${index}].podSelector`)
          const unreadable = [...namespaces.problems, ...pods.problems]
          if (unreadable.length > 0) {
            findings.push(...unreadable.map(({ path, message }) => ({ path, message, fix: 'write a label selector the API server accepts' })))
            continue
          }
          const reach = namespaceReach(namespaces.selector)
          if (!isOpenEnded(reach) || asksForLabel(pods.selector)) continue
          findings.push({ path, message: `${path} selects ${describeReach(reach)}: the peer ${REACH[direction]}`, fix: FIX })
        }
      }
    }
    return findings
  }
})
