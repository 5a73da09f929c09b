/**
 * The columns of the report's matrix: which part of the network a rule guards. A rule belongs to
 * the family of the longest prefix of its ID listed here, so a new rule family (EgressRouter
 * `ER-`, `UDN-`, `MNP-`, `ANP-`) slots in with one entry, and a rule no entry names lands in
 * `other` rather than disappearing.
 */
export interface RuleFamily {
  readonly id: string
  readonly title: string
  /** What the family covers, for the matrix legend. */
  readonly covers: string
  /** Rule ID prefixes (or whole IDs) of the family. */
  readonly prefixes: readonly string[]
}

export const RULE_FAMILIES: readonly RuleFamily[] = [
  { id: 'services', title: 'Services', covers: 'NodePort, LoadBalancer, external IPs, ExternalName', prefixes: ['SVC-'] },
  { id: 'routes', title: 'Routes', covers: 'OpenShift Routes: TLS, hosts, wildcards, certificates', prefixes: ['ROUTE-'] },
  { id: 'ingresses', title: 'Ingresses', covers: 'Ingress TLS, hosts, classes; ingress-nginx settings', prefixes: ['ING-', 'CM-NGINX-'] },
  {
    id: 'network-policies',
    title: 'Network policies',
    covers: 'default isolation (namespace label, managed policies), tenant NetworkPolicies, admin network policies',
    prefixes: ['NETPOL-', 'NS-', 'POD-NETPOL-', 'ANP-', 'BANP-']
  },
  {
    id: 'multus',
    title: 'Multus',
    covers: 'secondary networks: NetworkAttachmentDefinitions, pod network selections, user-defined networks, multi-network policies',
    prefixes: ['NAD-', 'POD-NETWORKS', 'MNP-', 'UDN-', 'CUDN-', 'NS-UDN-']
  },
  { id: 'egress', title: 'Egress', covers: 'egress firewalls, egress IPs, egress routers, NetworkPolicy egress', prefixes: ['EFW-', 'EGRESSIP-', 'ER-', 'NETPOL-EGRESS-'] },
  { id: 'host', title: 'Host access', covers: 'pods on the node\'s network or ports', prefixes: ['POD-HOST'] }
]

export const OTHER_FAMILY: RuleFamily = { id: 'other', title: 'Other', covers: 'rules no family names yet', prefixes: [] }

const BY_PREFIX = RULE_FAMILIES.flatMap((family) => family.prefixes.map((prefix) => ({ prefix, family })))
  .sort((a, b) => b.prefix.length - a.prefix.length)

const KNOWN = new Map<string, RuleFamily>()

/** The family of a rule: that of the longest listed prefix of its ID, else `other`. */
export function familyOf (ruleId: string): RuleFamily {
  let family = KNOWN.get(ruleId)
  if (family === undefined) KNOWN.set(ruleId, family = BY_PREFIX.find(({ prefix }) => ruleId.startsWith(prefix))?.family ?? OTHER_FAMILY)
  return family
}
