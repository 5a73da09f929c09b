import Type, { type Static } from 'typebox'
import { LabelSelectorSchema } from '../engine/selector-settings.ts'
import type { IsolationSettings, ManagedNetworkPolicy } from '../engine/rule.ts'
import { ISOLATED, ISOLATION_LABEL } from '../mutation/namespace.ts'

const PortSchema = Type.Object({
  protocol: Type.Optional(Type.Enum(['TCP', 'UDP', 'SCTP'])),
  port: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), Type.String({ minLength: 1 })])),
  endPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 }))
}, { additionalProperties: false })

const PeerSchema = Type.Object({
  podSelector: Type.Optional(LabelSelectorSchema),
  namespaceSelector: Type.Optional(LabelSelectorSchema),
  ipBlock: Type.Optional(Type.Object({
    cidr: Type.String({ minLength: 1 }),
    except: Type.Optional(Type.Array(Type.String({ minLength: 1 })))
  }, { additionalProperties: false }))
}, { additionalProperties: false })

/** networking.k8s.io/v1 NetworkPolicySpec, strict so that a typo fails at load, not in the cluster. */
const NetworkPolicySpecSchema = Type.Object({
  podSelector: LabelSelectorSchema,
  policyTypes: Type.Optional(Type.Array(Type.Enum(['Ingress', 'Egress']))),
  ingress: Type.Optional(Type.Array(Type.Object({
    from: Type.Optional(Type.Array(PeerSchema)),
    ports: Type.Optional(Type.Array(PortSchema))
  }, { additionalProperties: false }))),
  egress: Type.Optional(Type.Array(Type.Object({
    to: Type.Optional(Type.Array(PeerSchema)),
    ports: Type.Optional(Type.Array(PortSchema))
  }, { additionalProperties: false })))
}, { additionalProperties: false })

const LABEL_KEY = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$'

/** `spec.isolation`: which namespaces are isolated and the NetworkPolicies each of them keeps. */
export const IsolationSchema = Type.Object({
  label: Type.Optional(Type.String({ pattern: LABEL_KEY, description: 'namespace label that asks for default isolation; NS-ISOLATION sets it on new namespaces' })),
  value: Type.Optional(Type.String({ maxLength: 63, description: 'the label value that means isolated' })),
  mechanism: Type.Optional(Type.Enum(['networkPolicies', 'baselineAdminNetworkPolicy'], {
    description: 'networkPolicies: keep networkPolicies in every isolated namespace; baselineAdminNetworkPolicy: keep one BaselineAdminNetworkPolicy made from their ingress rules instead'
  })),
  secondaryNetworks: Type.Optional(Type.Boolean({
    description: 'also keep a deny-by-default MultiNetworkPolicy for every NetworkAttachmentDefinition of an isolated namespace, where the cluster serves MultiNetworkPolicy'
  })),
  networkPolicies: Type.Optional(Type.Array(Type.Object({
    name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', maxLength: 253 }),
    labels: Type.Optional(Type.Record(Type.String({ pattern: LABEL_KEY }), Type.String({ maxLength: 63 }))),
    spec: NetworkPolicySpecSchema
  }, { additionalProperties: false }), { description: 'the NetworkPolicies the reconciler keeps in every isolated namespace' }))
}, { additionalProperties: false })

export type IsolationDocument = Static<typeof IsolationSchema>

/**
 * The default isolation of DESIGN.md, from the OKD recipes: deny ingress by default, then allow
 * the namespace itself, the ingress controller and monitoring.
 */
const DEFAULT_NETWORK_POLICIES: readonly ManagedNetworkPolicy[] = [
  { name: 'netguard-deny-by-default', labels: {}, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
  { name: 'netguard-allow-same-namespace', labels: {}, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] } },
  {
    name: 'netguard-allow-from-ingress',
    labels: {},
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'policy-group.network.openshift.io/ingress': '' } } }] }] }
  },
  {
    name: 'netguard-allow-from-monitoring',
    labels: {},
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'network.openshift.io/policy-group': 'monitoring' } } }] }] }
  }
]

export const DEFAULT_ISOLATION: IsolationSettings = {
  label: ISOLATION_LABEL,
  value: ISOLATED,
  networkPolicies: DEFAULT_NETWORK_POLICIES,
  mechanism: 'networkPolicies',
  secondaryNetworks: true
}

/** Fills in the defaults; a duplicate NetworkPolicy name comes back as a problem. */
export function compileIsolation (document: IsolationDocument): IsolationSettings | { readonly problem: string, readonly path: (string | number)[] } {
  const networkPolicies = document.networkPolicies?.map(({ name, labels, spec }) => ({ name, labels: labels ?? {}, spec })) ?? DEFAULT_NETWORK_POLICIES
  const seen = new Set<string>()
  for (const [index, { name }] of networkPolicies.entries()) {
    if (seen.has(name)) return { problem: `duplicate NetworkPolicy name "${name}"`, path: ['networkPolicies', index, 'name'] }
    seen.add(name)
  }
  return {
    label: document.label ?? ISOLATION_LABEL,
    value: document.value ?? ISOLATED,
    networkPolicies,
    mechanism: document.mechanism ?? DEFAULT_ISOLATION.mechanism,
    secondaryNetworks: document.secondaryNetworks ?? DEFAULT_ISOLATION.secondaryNetworks
  }
}
