import type { Rule } from '../../rule.ts'
import { netpolAllNamespaces } from './netpol-all-namespaces.ts'
import { netpolAllowAllIngress } from './netpol-allow-all-ingress.ts'
import { netpolEgressCidr } from './netpol-egress-cidr.ts'
import { netpolEmptyPodSelector } from './netpol-empty-podselector.ts'
import { netpolManaged } from './netpol-managed.ts'
import { netpolWorldCidr } from './netpol-world-cidr.ts'

export const NETWORK_POLICY_RULES: readonly Rule[] = [
  netpolAllowAllIngress,
  netpolAllNamespaces,
  netpolWorldCidr,
  netpolEgressCidr,
  netpolEmptyPodSelector,
  netpolManaged
]
