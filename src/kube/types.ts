// Narrow, all-optional shapes of the objects netguard reads. Admission input is untrusted:
// rules read through these types and never assume a field is present.

export interface ObjectMeta {
  readonly name?: string
  readonly generateName?: string
  readonly namespace?: string
  readonly labels?: Readonly<Record<string, string>>
  readonly annotations?: Readonly<Record<string, string>>
  readonly resourceVersion?: string
  readonly uid?: string
  readonly deletionTimestamp?: string
}

export interface KubeObject {
  readonly apiVersion?: string
  readonly kind?: string
  readonly metadata?: ObjectMeta
  readonly [field: string]: unknown
}

/** Group and kind of a resource; the core group is the empty string. */
export interface KindRef {
  readonly group: string
  readonly kind: string
}

export function kindKey (ref: KindRef): string {
  return ref.group === '' ? ref.kind : `${ref.kind}.${ref.group}`
}

/** Splits `apiVersion` into its group (`''` for the core group) and version. */
export function parseApiVersion (apiVersion: string | undefined): { group: string, version: string } {
  if (apiVersion === undefined) return { group: '', version: '' }
  const slash = apiVersion.indexOf('/')
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) }
}

export interface LabelSelectorRequirement {
  readonly key?: string
  readonly operator?: string
  readonly values?: readonly string[]
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>
  readonly matchExpressions?: readonly LabelSelectorRequirement[]
}

export interface ServicePort {
  readonly name?: string
  readonly port?: number
  readonly nodePort?: number
  readonly protocol?: string
  readonly targetPort?: number | string
}

export interface Service extends KubeObject {
  readonly spec?: {
    readonly type?: string
    readonly ports?: readonly ServicePort[]
    readonly externalIPs?: readonly string[]
    readonly externalName?: string
    readonly loadBalancerSourceRanges?: readonly string[]
    readonly loadBalancerClass?: string
    readonly selector?: Readonly<Record<string, string>>
    readonly clusterIP?: string
  }
}

export interface Namespace extends KubeObject {
  readonly status?: { readonly phase?: string }
}

export interface IPBlock {
  readonly cidr?: string
  readonly except?: readonly string[]
}

/** A NetworkPolicy peer: pods (by namespace and/or pod labels) or an address block. */
export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector
  readonly namespaceSelector?: LabelSelector
  readonly ipBlock?: IPBlock
}

export interface NetworkPolicyPort {
  readonly protocol?: string
  readonly port?: number | string
  readonly endPort?: number
}

export interface NetworkPolicyIngressRule {
  readonly from?: readonly NetworkPolicyPeer[]
  readonly ports?: readonly NetworkPolicyPort[]
}

export interface NetworkPolicyEgressRule {
  readonly to?: readonly NetworkPolicyPeer[]
  readonly ports?: readonly NetworkPolicyPort[]
}

export interface NetworkPolicy extends KubeObject {
  readonly spec?: {
    readonly podSelector?: LabelSelector
    readonly policyTypes?: readonly string[]
    readonly ingress?: readonly NetworkPolicyIngressRule[]
    readonly egress?: readonly NetworkPolicyEgressRule[]
  }
}

export interface EgressFirewallPort {
  readonly protocol?: string
  readonly port?: number
}

/** One destination: exactly one of the three is set (OpenShift SDN knows only the first two). */
export interface EgressFirewallDestination {
  readonly cidrSelector?: string
  readonly dnsName?: string
  readonly nodeSelector?: LabelSelector
}

export interface EgressFirewallRule {
  /** `Allow` or `Deny`. */
  readonly type?: string
  readonly to?: EgressFirewallDestination
  /** OVN-Kubernetes only. */
  readonly ports?: readonly EgressFirewallPort[]
}

/**
 * OVN-Kubernetes EgressFirewall (k8s.ovn.org/v1) and OpenShift SDN EgressNetworkPolicy
 * (network.openshift.io/v1): the same ordered rule list, first match wins, unmatched allowed.
 */
export interface EgressFirewall extends KubeObject {
  readonly spec?: {
    readonly egress?: readonly EgressFirewallRule[]
  }
}

/** OVN-Kubernetes EgressIP (k8s.ovn.org/v1), cluster-scoped. */
export interface EgressIP extends KubeObject {
  readonly spec?: {
    readonly egressIPs?: readonly string[]
    readonly namespaceSelector?: LabelSelector
    readonly podSelector?: LabelSelector
  }
}

/** OpenShift Route (route.openshift.io/v1). */
export interface RouteTls {
  /** edge | reencrypt | passthrough */
  readonly termination?: string
  /** None | Allow | Redirect; absent means None. */
  readonly insecureEdgeTerminationPolicy?: string
  readonly certificate?: string
  readonly key?: string
  readonly caCertificate?: string
  readonly destinationCACertificate?: string
  /** A Secret in the Route's namespace holding the certificate (OKD 4.16+). */
  readonly externalCertificate?: { readonly name?: string }
}

export interface Route extends KubeObject {
  readonly spec?: {
    /** Empty: the router generates `<name>-<namespace>.<ingress domain>`. */
    readonly host?: string
    /** A host relative to the router shard's domain, used when `host` is empty. */
    readonly subdomain?: string
    readonly path?: string
    readonly to?: { readonly kind?: string, readonly name?: string, readonly weight?: number }
    readonly tls?: RouteTls
    /** None | Subdomain; absent means None. */
    readonly wildcardPolicy?: string
  }
}

/** Ingress in networking.k8s.io/v1 (v1beta1 and extensions/v1beta1 share these host and TLS fields). */
export interface IngressBackend {
  readonly service?: { readonly name?: string, readonly port?: { readonly name?: string, readonly number?: number } }
  readonly resource?: { readonly apiGroup?: string, readonly kind?: string, readonly name?: string }
  /** v1beta1 */
  readonly serviceName?: string
  readonly servicePort?: number | string
}

export interface IngressPath {
  readonly path?: string
  readonly pathType?: string
  readonly backend?: IngressBackend
}

export interface IngressRule {
  readonly host?: string
  readonly http?: { readonly paths?: readonly IngressPath[] }
}

export interface IngressTls {
  readonly hosts?: readonly string[]
  readonly secretName?: string
}

export interface Ingress extends KubeObject {
  readonly spec?: {
    readonly ingressClassName?: string
    readonly defaultBackend?: IngressBackend
    /** v1beta1 name of defaultBackend. */
    readonly backend?: IngressBackend
    readonly rules?: readonly IngressRule[]
    readonly tls?: readonly IngressTls[]
  }
}

/** k8s.cni.cncf.io/v1: `spec.config` is a CNI configuration (single plugin or conflist) as a JSON string. */
export interface NetworkAttachmentDefinition extends KubeObject {
  readonly spec?: {
    readonly config?: string
  }
}

export interface ContainerPort {
  readonly name?: string
  readonly containerPort?: number
  readonly hostPort?: number
  readonly hostIP?: string
  readonly protocol?: string
}

export interface Container {
  readonly name?: string
  readonly ports?: readonly ContainerPort[]
}

export interface PodSpec {
  readonly hostNetwork?: boolean
  readonly containers?: readonly Container[]
  readonly initContainers?: readonly Container[]
}

export interface PodTemplateSpec {
  readonly metadata?: ObjectMeta
  readonly spec?: PodSpec
}

export interface Pod extends KubeObject {
  readonly spec?: PodSpec
}

/** network.operator.openshift.io/v1 EgressRouter: a macvlan pod that redirects egress to fixed destinations. */
export interface EgressRouter extends KubeObject {
  readonly spec?: {
    /** Each `ip` is the router's address with its prefix, e.g. `192.168.12.99/24`. */
    readonly addresses?: readonly { readonly ip?: string, readonly gateway?: string }[]
    /** `Redirect`, the only mode. */
    readonly mode?: string
    readonly networkInterface?: {
      /** `master` may be left out: the node interface on the address's subnet is then used. */
      readonly macvlan?: { readonly master?: string, readonly mode?: string }
    }
    readonly redirect?: {
      readonly redirectRules?: readonly {
        readonly destinationIP?: string
        readonly port?: number
        readonly protocol?: string
        readonly targetPort?: number
      }[]
      /** Where traffic on every other port goes. */
      readonly fallbackIP?: string
    }
  }
}

/** The network of a UserDefinedNetwork (its spec) or ClusterUserDefinedNetwork (its spec.network). */
export interface UserDefinedNetworkSpec {
  /** `Layer2`, `Layer3` or (ClusterUserDefinedNetwork only) `Localnet`. */
  readonly topology?: string
  readonly layer2?: {
    /** `Primary` or `Secondary`. */
    readonly role?: string
    readonly subnets?: readonly string[]
    readonly joinSubnets?: readonly string[]
  }
  readonly layer3?: {
    readonly role?: string
    readonly subnets?: readonly { readonly cidr?: string, readonly hostSubnet?: number }[]
    readonly joinSubnets?: readonly string[]
  }
  readonly localnet?: {
    readonly role?: string
    /** The OVS bridge mapping on the nodes: which physical network the pods land on. */
    readonly physicalNetworkName?: string
    readonly subnets?: readonly string[]
    readonly excludeSubnets?: readonly string[]
    readonly vlan?: { readonly mode?: string, readonly access?: { readonly id?: number } }
  }
}

/** k8s.ovn.org/v1 UserDefinedNetwork: a tenant's network for its own namespace. */
export interface UserDefinedNetwork extends KubeObject {
  readonly spec?: UserDefinedNetworkSpec
}

/** k8s.ovn.org/v1 ClusterUserDefinedNetwork: an admin's network for the namespaces it selects. */
export interface ClusterUserDefinedNetwork extends KubeObject {
  readonly spec?: {
    readonly namespaceSelector?: LabelSelector
    readonly network?: UserDefinedNetworkSpec
  }
}

/** policy.networking.k8s.io/v1alpha1: the pods an admin policy applies to, or a rule's peer. */
export interface AdminNetworkPolicyPeer {
  readonly namespaces?: LabelSelector
  readonly pods?: { readonly namespaceSelector?: LabelSelector, readonly podSelector?: LabelSelector }
  /** Egress only. */
  readonly nodes?: LabelSelector
  readonly networks?: readonly string[]
  readonly domainNames?: readonly string[]
}

export interface AdminNetworkPolicyRule {
  readonly name?: string
  /** `Allow`, `Deny` or (AdminNetworkPolicy only) `Pass`. */
  readonly action?: string
  readonly from?: readonly AdminNetworkPolicyPeer[]
  readonly to?: readonly AdminNetworkPolicyPeer[]
}

/** AdminNetworkPolicy (with a priority, above NetworkPolicies) and BaselineAdminNetworkPolicy (below them). */
export interface AdminNetworkPolicy extends KubeObject {
  readonly spec?: {
    /** 0 to 1000; lower numbers take precedence. BaselineAdminNetworkPolicy has none. */
    readonly priority?: number
    readonly subject?: AdminNetworkPolicyPeer
    readonly ingress?: readonly AdminNetworkPolicyRule[]
    readonly egress?: readonly AdminNetworkPolicyRule[]
  }
}
