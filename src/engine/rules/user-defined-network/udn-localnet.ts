import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import type { KubeObject } from '../../../kube/types.ts'
import { clusterObjects, NAMESPACE_KIND_REF, WhenUnknownSchema, type WhenUnknown } from '../../cluster.ts'
import { inNamespace } from '../../messages.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding, ReviewContext } from '../../types.ts'
import {
  allowancesIn, allowsGlob, allowsVlan, baseline, compilePerNamespace, compileVlans, describeGlobs, describeVlans, offer,
  PerNamespaceSchema, VlansSchema, type Allowance
} from '../network-attachment/allowances.ts'
import { asText, shown } from '../../read.ts'
import { CUDN_KIND, NETWORK_KINDS, namespaceList, reviewedKind, selectedNamespaces, userDefinedNetwork } from './network.ts'

/** Whose grants a network is judged by: its namespace's, or those of every namespace a cluster network selects. */
interface Scope {
  /** `in namespace shop`, `for every namespace it selects (a, b)`, `everywhere`. */
  readonly where: string
  /** True when the test holds for the grants in force everywhere, or in every namespace served. */
  allows (test: (allowances: readonly Allowance[]) => boolean): boolean
  /** The grants a fix may offer. */
  readonly offered: readonly Allowance[]
  /** Set when the namespaces a cluster network selects are not known: what only they could allow cannot be judged. */
  readonly unknown: Finding | undefined
}

/**
 * A localnet network puts pods straight on a node network (an OVS bridge mapping) and, with an
 * access VLAN, on that VLAN: the same grants as for a NetworkAttachmentDefinition's
 * physicalNetworkName and VLAN (NAD-MASTER's interfaces, NAD-VLAN's VLANs), unless set here. A
 * ClusterUserDefinedNetwork may use what is allowed everywhere, or what every namespace it
 * selects was granted.
 */
export const udnLocalnet = defineRule({
  type: 'validate',
  id: 'UDN-LOCALNET',
  kinds: NETWORK_KINDS,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'a localnet physicalNetworkName or access VLAN not allowed (the interfaces of NAD-MASTER, the VLANs of NAD-VLAN) for the namespaces the network serves',
  inherits: [
    { rule: 'NAD-MASTER', settings: ['allowedInterfaces', 'perNamespace'] },
    { rule: 'NAD-VLAN', settings: ['allowedVlans'] }
  ],
  settings: Type.Object({
    allowedInterfaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'physical network names (globs) allowed everywhere; default: the interfaces of NAD-MASTER' })),
    allowedVlans: Type.Optional(VlansSchema),
    perNamespace: Type.Optional(PerNamespaceSchema),
    whenUnknown: Type.Optional(WhenUnknownSchema)
  }),
  defaults: { allowedInterfaces: [], allowedVlans: [], perNamespace: [], whenUnknown: 'warn' },
  compile: (settings) => ({
    base: baseline({ interfaces: compileGlobs(settings.allowedInterfaces), vlans: compileVlans(settings.allowedVlans, ['allowedVlans']) }),
    perNamespace: compilePerNamespace(settings.perNamespace),
    whenUnknown: settings.whenUnknown
  }),
  check (object, context, { base, perNamespace, whenUnknown }) {
    const localnet = userDefinedNetwork(object, reviewedKind(context)).localnet
    if (localnet === undefined) return []
    const scope = scopeOf(object, context, { base, perNamespace, whenUnknown })
    const findings: Finding[] = []
    const refusals: Finding[] = []
    const namePath = `${localnet.path}.physicalNetworkName`
    const name = asText(localnet.physicalNetworkName)
    if (name === undefined) {
      const message = localnet.physicalNetworkName === undefined ? `${namePath} is missing` : `${namePath} ${shown(localnet.physicalNetworkName)} is not a physical network name`
      findings.push({ path: namePath, message, fix: 'name the bridge mapping the nodes define' })
    } else if (!scope.allows((allowances) => allowsGlob(allowances, 'interfaces', name))) {
      refusals.push({ path: namePath, message: `${namePath} ${name} is not an allowed physical network ${scope.where}`, fix: offer(describeGlobs(scope.offered, 'interfaces'), 'ask a cluster admin to allow the physical network') })
    }
    const vlan = localnet.vlan
    if (vlan !== undefined) {
      const vlanPath = `${localnet.path}.vlan.access.id`
      const fix = offer(describeVlans(scope.offered), 'ask a cluster admin to allow the VLAN')
      if (typeof vlan !== 'number' || !Number.isInteger(vlan) || vlan < 1 || vlan > 4094) {
        findings.push({ path: vlanPath, message: `${vlanPath} ${shown(vlan)} is not a VLAN id (1-4094)`, fix })
      } else if (!scope.allows((allowances) => allowsVlan(allowances, vlan))) {
        refusals.push({ path: vlanPath, message: `${vlanPath} ${vlan} is not an allowed VLAN ${scope.where}`, fix })
      }
    }
    return [...findings, ...(refusals.length > 0 && scope.unknown !== undefined ? [scope.unknown] : refusals)]
  }
})

function scopeOf (
  object: KubeObject,
  context: ReviewContext,
  settings: { readonly base: Allowance, readonly perNamespace: readonly Allowance[], readonly whenUnknown: WhenUnknown }
): Scope {
  const { base, perNamespace, whenUnknown } = settings
  if (reviewedKind(context) !== CUDN_KIND) {
    const allowances = allowancesIn(base, perNamespace, context.namespace)
    return { where: inNamespace(context), allows: (test) => test(allowances), offered: allowances, unknown: undefined }
  }
  const everywhere = [base]
  const selected = selectedNamespaces(object, context)
  if (selected === undefined) {
    const found = clusterObjects(context, NAMESPACE_KIND_REF, whenUnknown)
    return { where: 'everywhere', allows: (test) => test(everywhere), offered: everywhere, unknown: 'unknown' in found ? found.unknown : undefined }
  }
  const served = selected.map((namespace) => allowancesIn(base, perNamespace, namespace.metadata?.name))
  return {
    where: selected.length === 0 ? 'everywhere' : `in every namespace it selects (${namespaceList(selected)})`,
    allows: (test) => test(everywhere) || (served.length > 0 && served.every(test)),
    offered: everywhere,
    unknown: undefined
  }
}
