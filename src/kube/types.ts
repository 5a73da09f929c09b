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
