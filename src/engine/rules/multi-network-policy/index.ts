import type { Rule } from '../../rule.ts'
import { netpolAllNamespaces } from '../network-policy/netpol-all-namespaces.ts'
import { netpolAllowAllIngress } from '../network-policy/netpol-allow-all-ingress.ts'
import { netpolEgressCidr } from '../network-policy/netpol-egress-cidr.ts'
import { netpolManaged } from '../network-policy/netpol-managed.ts'
import { netpolWorldCidr } from '../network-policy/netpol-world-cidr.ts'
import { mnpPolicyFor } from './mnp-policy-for.ts'
import { forMultiNetworkPolicy } from './multi-network-policy.ts'

/** The NetworkPolicy judgements, made for MultiNetworkPolicy, then what only a MultiNetworkPolicy has. */
export const MULTI_NETWORK_POLICY_RULES: readonly Rule[] = [
  forMultiNetworkPolicy(netpolAllowAllIngress, 'MNP-ALLOW-ALL-INGRESS'),
  forMultiNetworkPolicy(netpolAllNamespaces, 'MNP-ALL-NAMESPACES'),
  forMultiNetworkPolicy(netpolWorldCidr, 'MNP-WORLD-CIDR'),
  forMultiNetworkPolicy(netpolEgressCidr, 'MNP-EGRESS-CIDR'),
  forMultiNetworkPolicy(netpolManaged, 'MNP-MANAGED'),
  mnpPolicyFor
]
