import Type from 'typebox'
import { selectsEverything } from '../../../kube/types.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { directedRules, NETWORK_POLICY_KIND, type Direction } from './network-policy.ts'

const REACH = { Ingress: 'admits every pod of every namespace', Egress: 'allows egress to every pod of every namespace' } as const

/**
 * `namespaceSelector: {}` selects every namespace; without a pod selector (or with an empty
 * one, which ANDs to the same) the peer is every pod in the cluster, other tenants included.
 */
export const netpolAllNamespaces = defineRule({
  type: 'validate',
  id: 'NETPOL-ALL-NAMESPACES',
  kinds: NETWORK_POLICY_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'warn',
  summary: 'a peer namespaceSelector: {} without a pod selector (every pod of every namespace)',
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
          if (!selectsEverything(peer.namespaceSelector)) continue
          if (peer.podSelector !== undefined && peer.podSelector !== null && !selectsEverything(peer.podSelector)) continue
          const path = `${peersPath}[${index}].namespaceSelector`
          findings.push({
            path,
            message: `${path} {} ${REACH[direction]}`,
            fix: 'select namespaces by label (e.g. kubernetes.io/metadata.name), or add a podSelector'
          })
        }
      }
    }
    return findings
  }
})
