import Type from 'typebox'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import {
  allowancesIn, allowsVlan, baseline, compilePerNamespace, compileVlans, describeVlans, offer, PerNamespaceSchema, VlansSchema,
  type Allowance
} from './allowances.ts'
import { asList, asObject, asText, shown } from '../../read.ts'
import { distinctFindings, NAD_KIND, nadConfig } from './network-attachment.ts'

/** VLAN id fields: bridge and sriov `vlan`, the vlan plugin's `vlanId`, OVN-Kubernetes localnet `vlanID`. */
const VLAN_FIELDS = ['vlan', 'vlanId', 'vlanID'] as const

/** Fields naming a node interface: macvlan, ipvlan and vlan `master`, host-device `device`. */
const INTERFACE_FIELDS = ['master', 'device'] as const

/** A VLAN tag puts the pod on that layer-2 network: tenants get only the VLANs assigned to them. */
export const nadVlan = defineRule({
  type: 'validate',
  id: 'NAD-VLAN',
  kinds: NAD_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'a VLAN id (vlan, vlanId, vlanID, bridge vlanTrunk, or a dotted VLAN interface such as eth1.50) outside the allowed ranges',
  category: 'Multiple networks',
  severity: 'high',
  settings: Type.Object({
    allowedVlans: Type.Optional(VlansSchema),
    perNamespace: Type.Optional(PerNamespaceSchema)
  }),
  defaults: { allowedVlans: [], perNamespace: [] },
  compile: (settings) => ({
    base: baseline({ vlans: compileVlans(settings.allowedVlans, ['allowedVlans']) }),
    perNamespace: compilePerNamespace(settings.perNamespace)
  }),
  check (object, context, { base, perNamespace }) {
    const allowances = allowancesIn(base, perNamespace, context.namespace)
    const where = inNamespace(context)
    const fix = offer(describeVlans(allowances), 'ask a cluster admin to allow the VLAN')
    const findings: Finding[] = []
    for (const { fields, path } of nadConfig(object).plugins) {
      for (const field of VLAN_FIELDS) {
        const value = fields[field]
        // 0 (or no value) means untagged.
        if (value === undefined || value === 0) continue
        const fieldPath = `${path}.${field}`
        if (!isVlanId(value)) findings.push({ path: fieldPath, message: `${fieldPath} ${shown(value)} is not a VLAN id (1-4094)`, fix })
        else if (!allowsVlan(allowances, value)) findings.push({ path: fieldPath, message: `${fieldPath} ${value} is not an allowed VLAN ${where}`, fix })
      }
      if (fields.vlanTrunk !== undefined) findings.push(...checkTrunk(fields.vlanTrunk, `${path}.vlanTrunk`, allowances, where, fix))
      for (const field of INTERFACE_FIELDS) {
        const name = asText(fields[field])
        const vlan = name === undefined ? undefined : dottedVlan(name)
        if (name === undefined || vlan === undefined || allowsVlan(allowances, vlan.id)) continue
        const fieldPath = `${path}.${field}`
        findings.push({ path: fieldPath, message: `${fieldPath} ${name} is VLAN ${vlan.id} on ${vlan.parent}, not an allowed VLAN ${where}`, fix })
      }
    }
    return distinctFindings(findings)
  }
})

/** bridge `vlanTrunk`: a list of `{id}` and `{minID, maxID}`; every VLAN of every range must be allowed. */
function checkTrunk (value: unknown, path: string, allowances: readonly Allowance[], where: string, fix: string): Finding[] {
  const entries = asList(value)
  if (entries === undefined) return [{ path, message: `${path} is not a list of {id} or {minID, maxID}`, fix }]
  const findings: Finding[] = []
  for (const [index, entry] of entries.entries()) {
    const entryPath = `${path}[${index}]`
    const trunk = asObject(entry)
    const [min, max] = trunk?.id !== undefined ? [trunk.id, trunk.id] : [trunk?.minID, trunk?.maxID]
    if (!isVlanId(min) || !isVlanId(max) || min > max) {
      findings.push({ path: entryPath, message: `${entryPath} ${shown(entry)} is not a VLAN id or range (1-4094)`, fix })
      continue
    }
    for (let id = min; id <= max; id++) {
      if (allowsVlan(allowances, id)) continue
      const what = min === max ? `${id} is` : `${min}-${max} includes VLAN ${id}, which is`
      findings.push({ path: entryPath, message: `${entryPath} ${what} not an allowed VLAN ${where}`, fix })
      break
    }
  }
  return findings
}

/**
 * The VLAN of an interface named the way the kernel and NetworkManager name VLAN interfaces,
 * `<parent>.<id>` (`eth1.50`, `bond0.100`): attaching to it tags the pod's traffic as surely as a
 * `vlan` field, and an interface allow-list like `eth1*` would let it through unnoticed.
 */
export function dottedVlan (name: string): { readonly parent: string, readonly id: number } | undefined {
  const match = /^(.+)\.(\d{1,4})$/.exec(name)
  const id = match === null ? undefined : Number(match[2])
  return match === null || !isVlanId(id) ? undefined : { parent: match[1]!, id }
}

function isVlanId (value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 4094
}
