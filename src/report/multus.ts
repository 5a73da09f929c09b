import { asText } from '../engine/read.ts'
import { dottedVlan } from '../engine/rules/network-attachment/nad-vlan.ts'
import { nadConfig } from '../engine/rules/network-attachment/network-attachment.ts'
import { DEFAULT_NETWORK_ANNOTATION, NETWORKS_ANNOTATION, parseNetworksAnnotation } from '../engine/rules/pod/networks-annotation.ts'
import { podTemplate } from '../engine/rules/pod/pod-template.ts'
import type { ReviewContext } from '../engine/types.ts'
import { kindOf } from '../kube/kinds.ts'
import type { KubeObject } from '../kube/types.ts'

// The multus map: each NetworkAttachmentDefinition as Multus and the CNI plugins will read its
// spec.config (the engine's Go-faithful reader, nadConfig), and which namespaces' pods ask for it.

/** One CNI plugin of an attachment, as it will run. */
export interface AttachmentPlugin {
  readonly type: string
  /** The node interface, bridge, device or OVN physical network it attaches to, as `field=value`. */
  readonly attaches?: string
  /** VLAN ids and trunks, as written. */
  readonly vlan?: string
  readonly ipam?: string
  /** Every subnet, range and static address it hands out, as written. */
  readonly ranges: readonly string[]
}

export interface NetworkAttachment {
  readonly ns: string
  readonly name: string
  /** Empty when spec.config could not be read; `problem` says why. */
  readonly plugins: readonly AttachmentPlugin[]
  readonly problem?: string
  /** Namespaces whose pods or pod templates select this attachment, with how many objects each. */
  readonly attachedBy: Readonly<Record<string, number>>
}

const INTERFACE_FIELDS = ['master', 'bridge', 'device', 'physicalNetworkName'] as const
const VLAN_FIELDS = ['vlan', 'vlanId', 'vlanID'] as const

export function isNetworkAttachment (object: KubeObject): boolean {
  const kind = kindOf(object)
  return kind.group === 'k8s.cni.cncf.io' && kind.kind === 'NetworkAttachmentDefinition'
}

/** The attachment as its plugins will read it. */
export function attachmentOf (object: KubeObject, attachedBy: Readonly<Record<string, number>>): NetworkAttachment {
  const config = nadConfig(object)
  const seen = new Set<string>()
  const plugins: AttachmentPlugin[] = []
  for (const plugin of config.plugins) {
    const { fields } = plugin
    const attaches = INTERFACE_FIELDS.flatMap((field) => asText(fields[field]) === undefined ? [] : [`${field}=${asText(fields[field]) ?? ''}`]).join(', ')
    const vlans = [
      ...VLAN_FIELDS.flatMap((field) => typeof fields[field] === 'number' && fields[field] !== 0 ? [String(fields[field])] : []),
      ...(fields.vlanTrunk === undefined ? [] : [`trunk ${JSON.stringify(fields.vlanTrunk)}`]),
      // A VLAN interface named <parent>.<id> tags the traffic as surely as a vlan field (NAD-VLAN).
      ...(['master', 'device'] as const).flatMap((field) => {
        const name = asText(fields[field])
        const vlan = name === undefined ? undefined : dottedVlan(name)
        return vlan === undefined ? [] : [`${vlan.id} (${name ?? ''})`]
      })
    ].join(', ')
    const entry: AttachmentPlugin = {
      type: plugin.type ?? '(no type)',
      ...(attaches === '' ? {} : { attaches }),
      ...(vlans === '' ? {} : { vlan: vlans }),
      ...(plugin.ipamType === undefined ? {} : { ipam: plugin.ipamType }),
      ranges: plugin.ranges.map((range) => range.text)
    }
    // Where Go's readers of spec.config disagree, each reading is listed, but the same plugin once.
    const key = JSON.stringify(entry)
    if (!seen.has(key)) plugins.push(entry)
    seen.add(key)
  }
  const problem = config.missing ? 'no spec.config: Multus reads a CNI file on each node' : config.plugins.length === 0 ? config.problems[0]?.message : undefined
  const metadata = object.metadata ?? {}
  return { ns: metadata.namespace ?? '', name: metadata.name ?? '', plugins, ...(problem === undefined ? {} : { problem }), attachedBy }
}

/**
 * The attachments each pod or pod template asks for (`k8s.v1.cni.cncf.io/networks` and the
 * default-network annotation, read as Multus reads them), as `namespace/name` of the attachment
 * mapped to the namespaces that ask and how many objects in each.
 */
export function attachmentUse (objects: readonly KubeObject[]): Map<string, Record<string, number>> {
  const use = new Map<string, Record<string, number>>()
  for (const object of objects) {
    const template = podTemplate(object, { kind: kindOf(object) } as ReviewContext)
    const annotations = template?.metadata.annotations
    if (annotations === undefined || annotations === null) continue
    const namespace = object.metadata?.namespace ?? ''
    const names = new Set<string>()
    for (const key of [NETWORKS_ANNOTATION, DEFAULT_NETWORK_ANNOTATION]) {
      const text = annotations[key]
      if (typeof text !== 'string') continue
      for (const selection of parseNetworksAnnotation(text).selections) names.add(`${selection.namespace ?? namespace}/${selection.name}`)
    }
    for (const name of names) {
      const counts = use.get(name) ?? {}
      counts[namespace] = (counts[namespace] ?? 0) + 1
      use.set(name, counts)
    }
  }
  return use
}
