import Type from 'typebox'
import { compileGlobs, type GlobSet } from '../../glob.ts'
import { AddressSet } from '../../net/address-set.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding, ReviewContext } from '../../types.ts'
import {
  allowancesIn, allowedCidrs, baseline, compileCidrList, compileForbidden, compilePerNamespace, describeCidrs,
  forbiddenOverlap, offer, PerNamespaceSchema, type Allowance, type ForbiddenCidrs
} from '../network-attachment/allowances.ts'
import { DEFAULT_FORBIDDEN_CIDRS } from '../network-attachment/nad-ipam-range.ts'
import { inNamespace } from '../../messages.ts'
import { DEFAULT_NETWORK_ANNOTATION, NETWORKS_ANNOTATION, parseNetworksAnnotation, type NetworkSelection } from './networks-annotation.ts'
import { podTemplate, POD_KINDS } from './pod-template.ts'

interface Compiled {
  readonly shared: GlobSet
  readonly base: Allowance
  readonly perNamespace: readonly Allowance[]
  readonly forbidden: ForbiddenCidrs
  readonly defaultNetwork: GlobSet
  readonly passThrough: GlobSet
}

/** OVN-Kubernetes records a pod's addresses here and reads them back; only it may write it. */
const OVN_POD_NETWORKS_ANNOTATION = 'k8s.ovn.org/pod-networks'

/**
 * A pod may only join networks defined for its own namespace (or shared on purpose): a NAD in
 * another namespace is another tenant's network. Static IPs are held to the namespace's CIDRs,
 * as NAD-IPAM-RANGE holds the NADs themselves.
 */
export const podNetworks = defineRule({
  type: 'validate',
  id: 'POD-NETWORKS',
  kinds: POD_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'k8s.v1.cni.cncf.io/networks (or v1.multus-cni.io/default-network) naming a NAD outside the pod\'s namespace and the shared ones, static IPs outside the namespace\'s CIDRs, cni-args or deviceID, or a malformed annotation; a new pod presetting k8s.ovn.org/pod-networks',
  category: 'Multiple networks',
  severity: 'high',
  settings: Type.Object({
    sharedNamespaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'namespaces (globs) whose NADs any pod may use' })),
    allowedCidrs: Type.Optional(Type.Array(Type.String(), { description: 'CIDRs static IPs may come from in every namespace' })),
    forbiddenCidrs: Type.Optional(Type.Array(Type.String(), { description: 'CIDRs no static IP may come from, even where allowed' })),
    perNamespace: Type.Optional(PerNamespaceSchema),
    defaultNetworkNamespaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
      description: `namespaces (globs) whose pods may replace their cluster network with ${DEFAULT_NETWORK_ANNOTATION}`
    })),
    passThroughNamespaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
      description: 'namespaces (globs) whose pods may hand cni-args (tuning sysctls and promisc, static IPs) or deviceID to the plugins'
    }))
  }),
  defaults: {
    sharedNamespaces: [],
    allowedCidrs: [],
    forbiddenCidrs: [...DEFAULT_FORBIDDEN_CIDRS],
    perNamespace: [],
    defaultNetworkNamespaces: [],
    passThroughNamespaces: []
  },
  compile: (settings): Compiled => ({
    shared: compileGlobs(settings.sharedNamespaces),
    base: baseline({ cidrs: compileCidrList(settings.allowedCidrs, ['allowedCidrs']), cidrTexts: settings.allowedCidrs }),
    perNamespace: compilePerNamespace(settings.perNamespace),
    forbidden: compileForbidden(settings.forbiddenCidrs, 'forbiddenCidrs'),
    defaultNetwork: compileGlobs(settings.defaultNetworkNamespaces),
    passThrough: compileGlobs(settings.passThroughNamespaces)
  }),
  check (object, context, settings) {
    const template = podTemplate(object, context)
    if (template === undefined) return []
    const annotations = template.metadata.annotations ?? {}
    const findings: Finding[] = []
    const requested = annotations[NETWORKS_ANNOTATION]
    if (requested !== undefined) {
      findings.push(...checkNetworks(requested, template.at(`metadata.annotations["${NETWORKS_ANNOTATION}"]`), context, settings))
    }
    const replacement = annotations[DEFAULT_NETWORK_ANNOTATION]
    if (replacement !== undefined) {
      const path = template.at(`metadata.annotations["${DEFAULT_NETWORK_ANNOTATION}"]`)
      if (!settings.defaultNetwork.matches(context.namespace ?? '')) {
        findings.push({
          path,
          message: `${path} replaces the pod's cluster network, which is not allowed ${inNamespace(context)}`,
          fix: `remove it; attach extra networks with ${NETWORKS_ANNOTATION} instead`
        })
      } else {
        // Where allowed, it is held to what the networks annotation is held to.
        findings.push(...checkNetworks(replacement, path, context, settings))
      }
    }
    const ovn = annotations[OVN_POD_NETWORKS_ANNOTATION]
    if (ovn !== undefined && (context.operation === 'CREATE' || template.path !== '')) {
      const path = template.at(`metadata.annotations["${OVN_POD_NETWORKS_ANNOTATION}"]`)
      findings.push({
        path,
        message: `${path} presets the addresses OVN-Kubernetes gives the pod (it reads this annotation back)`,
        fix: 'remove it: OVN-Kubernetes writes it once the pod exists'
      })
    }
    return findings
  }
})

function checkNetworks (value: unknown, path: string, context: ReviewContext, settings: Compiled): Finding[] {
  const parsed = typeof value === 'string' ? parseNetworksAnnotation(value) : { selections: [], problems: ['it is not a string'] }
  const findings: Finding[] = parsed.problems.map((problem) => ({
    path,
    message: `${path} is malformed: ${problem}`,
    fix: 'write a comma list such as net1,shared-ns/net2@eth1 or a JSON list such as [{"name":"net1","interface":"eth1"}]'
  }))
  const namespace = context.namespace
  const allowances = allowancesIn(settings.base, settings.perNamespace, namespace)
  const allowed = allowedCidrs(allowances)
  for (const selection of parsed.selections) {
    const target = selection.namespace ?? namespace
    const reference = `${target ?? ''}/${selection.name}`
    if (target !== namespace && !settings.shared.matches(target ?? '')) {
      const shared = settings.shared.patterns.length > 0 ? ` or in ${settings.shared.patterns.join(', ')}` : ''
      findings.push({
        path,
        message: `${path} names ${reference}, a NetworkAttachmentDefinition in another namespace`,
        fix: `use a NetworkAttachmentDefinition ${namespace === undefined ? 'in the pod\'s namespace' : `in namespace ${namespace}`}${shared}`
      })
    }
    findings.push(...checkIps(selection, reference, path, allowances, allowed, settings.forbidden, context))
    if (selection.passThrough.length > 0 && !settings.passThrough.matches(namespace ?? '')) {
      findings.push({
        path,
        message: `${path} hands ${selection.passThrough.join(' and ')} to the plugins of ${reference}, which netguard cannot vet ${inNamespace(context)}`,
        fix: 'remove them, or ask a cluster admin to allow them here'
      })
    }
  }
  return findings
}

function checkIps (
  selection: NetworkSelection,
  reference: string,
  path: string,
  allowances: readonly Allowance[],
  allowed: AddressSet,
  forbidden: ForbiddenCidrs,
  context: ReviewContext
): Finding[] {
  const findings: Finding[] = []
  for (const ip of selection.ips) {
    const address = AddressSet.of([ip.address])
    const hit = forbiddenOverlap(forbidden, address)
    if (hit !== undefined) {
      findings.push({ path, message: `${path} asks for IP ${ip.text} on ${reference}, inside the forbidden range ${hit}`, fix: `use an address outside ${hit}` })
    } else if (!allowed.covers(address)) {
      findings.push({
        path,
        message: `${path} asks for IP ${ip.text} on ${reference}, outside the CIDRs allowed ${inNamespace(context)}`,
        fix: offer(describeCidrs(allowances), 'ask a cluster admin to assign this namespace a range')
      })
    }
  }
  return findings
}
