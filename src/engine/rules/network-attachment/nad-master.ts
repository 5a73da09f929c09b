import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import { allowancesIn, allowsGlob, baseline, compilePerNamespace, describeGlobs, offer, PerNamespaceSchema } from './allowances.ts'
import type { CniPlugin } from './cni-config.ts'
import { asText, shown } from '../../read.ts'
import { distinctFindings, NAD_KIND, nadConfig } from './network-attachment.ts'

/** A node interface a plugin attaches to, or why it cannot be named. */
type Attachment =
  | { readonly path: string, readonly name: string, readonly implied?: string }
  | { readonly path: string, readonly problem: string }

/** Plugins that attach to the node's default-route interface when `master` is left out. */
const DEFAULT_ROUTE_TYPES = new Set(['macvlan', 'ipvlan'])

/**
 * The node interface decides which physical network a pod lands on: a master, bridge or
 * device outside the allow-list puts tenant pods on a network the admins did not give them.
 */
export const nadMaster = defineRule({
  type: 'validate',
  id: 'NAD-MASTER',
  kinds: NAD_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'a master interface (macvlan, ipvlan, vlan), bridge name, host-device device or OVN physical network not in the allowed list',
  category: 'Multiple networks',
  severity: 'high',
  settings: Type.Object({
    allowedInterfaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'node interfaces (globs) allowed in every namespace' })),
    allowDefaultRouteInterface: Type.Optional(Type.Boolean({ description: 'allow macvlan / ipvlan without master (they then use the node\'s default-route interface)' })),
    perNamespace: Type.Optional(PerNamespaceSchema)
  }),
  defaults: { allowedInterfaces: [], allowDefaultRouteInterface: false, perNamespace: [] },
  compile: (settings) => ({
    base: baseline({ interfaces: compileGlobs(settings.allowedInterfaces) }),
    perNamespace: compilePerNamespace(settings.perNamespace),
    allowDefaultRoute: settings.allowDefaultRouteInterface
  }),
  check (object, context, { base, perNamespace, allowDefaultRoute }) {
    const allowances = allowancesIn(base, perNamespace, context.namespace)
    const fix = offer(describeGlobs(allowances, 'interfaces'), 'ask a cluster admin to allow the interface')
    const findings: Finding[] = []
    for (const plugin of nadConfig(object).plugins) {
      for (const attachment of attachments(plugin, allowDefaultRoute)) {
        if ('problem' in attachment) {
          findings.push({ path: attachment.path, message: attachment.problem, fix })
        } else if (!allowsGlob(allowances, 'interfaces', attachment.name)) {
          const how = attachment.implied === undefined ? `${attachment.path} ${attachment.name}` : `${attachment.path} ${attachment.implied}, and ${attachment.name}`
          findings.push({ path: attachment.path, message: `${how} is not an allowed interface ${inNamespace(context)}`, fix })
        }
      }
    }
    return distinctFindings(findings)
  }
})

function attachments (plugin: CniPlugin, allowDefaultRoute: boolean): Attachment[] {
  const { fields, path, type } = plugin
  const found: Attachment[] = []
  const named = (field: string): void => {
    const value = fields[field]
    if (value === undefined) return
    const name = asText(value)
    if (name === undefined) found.push({ path: `${path}.${field}`, problem: `${path}.${field} ${shown(value)} is not an interface name` })
    else found.push({ path: `${path}.${field}`, name })
  }
  // With linkInContainer the master is an interface inside the pod, not on the node.
  if (fields.linkInContainer !== true) named('master')
  if (type !== undefined && DEFAULT_ROUTE_TYPES.has(type) && fields.master === undefined && fields.linkInContainer !== true && !allowDefaultRoute) {
    found.push({ path: `${path}.master`, problem: `${path}.master is not set, so ${type} uses the node's default-route interface` })
  }
  if (type === 'bridge') {
    if (fields.bridge === undefined) found.push({ path: `${path}.bridge`, name: 'cni0', implied: 'is not set (bridge cni0 is used)' })
    else named('bridge')
  }
  if (type === 'host-device') {
    if (fields.device !== undefined) named('device')
    else found.push({ path: `${path}.device`, problem: `${path} selects its device without a device name, which cannot be checked against the allowed interfaces` })
  }
  if (type === 'ovn-k8s-cni-overlay') named('physicalNetworkName')
  return found
}
