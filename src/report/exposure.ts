import { AddressSet, parseCidr } from '../engine/net/address-set.ts'
import { findOpenRange, openRangeLimit } from '../engine/net/cidr-settings.ts'
import { directedRules, type Direction } from '../engine/rules/network-policy/network-policy.ts'
import { peerAddresses } from '../engine/rules/network-policy/peers.ts'
import { podTemplate } from '../engine/rules/pod/pod-template.ts'
import type { ReviewContext } from '../engine/types.ts'
import { kindOf } from '../kube/kinds.ts'
import type { EgressFirewall, Ingress, KubeObject, Route, Service } from '../kube/types.ts'

// The exposure list: what an object opens to the outside, read from the object itself, whatever
// the policy says about it. The policy's verdict on it (which rule, and what that rule made of
// the object) is added by posture.ts from the object's rule results.

export type ExposureType =
  | 'external-ip' | 'loadbalancer-world' | 'ingress-from-world' | 'host-network' | 'nodeport' | 'host-port'
  | 'ingress-from-all' | 'route-plain-http' | 'ingress-plain-http' | 'route-wildcard' | 'ingress-wildcard'
  | 'loadbalancer-ranges' | 'egressfirewall-world' | 'egress-world'

/** How bad each kind of exposure is (0-100; high from 75, medium from 50), and the rules that judge it. */
export const EXPOSURE_TYPES: Readonly<Record<ExposureType, { readonly risk: number, readonly title: string, readonly rules: readonly string[] }>> = {
  'external-ip': { risk: 95, title: 'Service external IP', rules: ['SVC-EXTERNALIP'] },
  'loadbalancer-world': { risk: 90, title: 'LoadBalancer open to the world', rules: ['SVC-LOADBALANCER'] },
  'ingress-from-world': { risk: 85, title: 'NetworkPolicy admits the world (ipBlock)', rules: ['NETPOL-WORLD-CIDR'] },
  'host-network': { risk: 80, title: 'Pod on the node\'s network', rules: ['POD-HOSTNETWORK'] },
  nodeport: { risk: 75, title: 'NodePort', rules: ['SVC-NODEPORT'] },
  'host-port': { risk: 70, title: 'Host port', rules: ['POD-HOSTPORT'] },
  'ingress-from-all': { risk: 65, title: 'NetworkPolicy admits every source', rules: ['NETPOL-ALLOW-ALL-INGRESS'] },
  'route-plain-http': { risk: 60, title: 'Route serves plain HTTP', rules: ['ROUTE-TLS', 'ROUTE-INSECURE'] },
  'ingress-plain-http': { risk: 60, title: 'Ingress host without TLS', rules: ['ING-TLS'] },
  'route-wildcard': { risk: 55, title: 'Wildcard Route', rules: ['ROUTE-WILDCARD'] },
  'ingress-wildcard': { risk: 55, title: 'Wildcard or catch-all Ingress', rules: ['ING-HOST'] },
  'loadbalancer-ranges': { risk: 50, title: 'LoadBalancer with source ranges', rules: ['SVC-LOADBALANCER'] },
  'egressfirewall-world': { risk: 45, title: 'EgressFirewall allows the world', rules: ['EFW-ALLOW-WORLD'] },
  'egress-world': { risk: 40, title: 'NetworkPolicy opens egress to the world', rules: ['NETPOL-EGRESS-CIDR'] }
}

/** One thing an object exposes: which field, and what it opens, in words. */
export interface ExposureFact {
  readonly type: ExposureType
  readonly path: string
  readonly what: string
}

/** More than half of an address family: `0.0.0.0/0`, the world split in two, or the world less a hole. */
const WORLD = openRangeLimit({ ipv4: 1, ipv6: 1 })
const LB_SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges'

/** Every exposure of one object, read from its fields (absent or mistyped fields expose nothing). */
export function exposuresOf (object: KubeObject): ExposureFact[] {
  const kind = kindOf(object)
  switch (`${kind.group}/${kind.kind}`) {
    case '/Service': return serviceExposures(object as Service)
    case 'route.openshift.io/Route': return routeExposures(object as Route)
    case 'networking.k8s.io/Ingress': return ingressExposures(object as Ingress)
    case 'networking.k8s.io/NetworkPolicy': return [...policyExposures(object, 'Ingress'), ...policyExposures(object, 'Egress')]
    case 'k8s.ovn.org/EgressFirewall':
    case 'network.openshift.io/EgressNetworkPolicy': return egressFirewallExposures(object as EgressFirewall)
    default: return podExposures(object)
  }
}

function serviceExposures (service: Service): ExposureFact[] {
  const spec = asRecord(service.spec)
  const facts: ExposureFact[] = []
  const ports = listOf(spec.ports).map(asRecord)
  const protocol = (port: Record<string, unknown>): string => typeof port.protocol === 'string' ? port.protocol : 'TCP'
  const portText = (port: Record<string, unknown>, field: 'port' | 'nodePort'): string => typeof port[field] === 'number'
    ? `${String(port[field])}/${protocol(port)}`
    : `one the cluster picks for ${String(port.port ?? '?')}/${protocol(port)}`
  if (spec.type === 'NodePort') {
    facts.push({ type: 'nodeport', path: 'spec.type', what: `on every node: ${ports.map((port) => portText(port, 'nodePort')).join(', ') || 'no ports'}` })
  }
  if (spec.type === 'LoadBalancer') {
    const fromField = listOf(spec.loadBalancerSourceRanges).filter((range): range is string => typeof range === 'string')
    const annotation = service.metadata?.annotations?.[LB_SOURCE_RANGES_ANNOTATION]
    const ranges = fromField.length > 0 ? fromField : typeof annotation === 'string' ? annotation.split(',').map((range) => range.trim()).filter((range) => range !== '') : []
    const path = fromField.length > 0 || annotation === undefined ? 'spec.loadBalancerSourceRanges' : `metadata.annotations.${LB_SOURCE_RANGES_ANNOTATION}`
    const served = `ports ${ports.map((port) => portText(port, 'port')).join(', ') || 'none'}`
    const nodePorts = spec.allocateLoadBalancerNodePorts === false ? [] : ports.filter((port) => typeof port.nodePort === 'number')
    const alsoNodePorts = nodePorts.length > 0 ? `; node ports ${nodePorts.map((port) => portText(port, 'nodePort')).join(', ')}` : ''
    const world = ranges.length === 0 || findOpenRange(addressesOf(ranges), WORLD) !== undefined
    facts.push(world
      ? { type: 'loadbalancer-world', path, what: `${served} from ${ranges.length === 0 ? 'any address (no source ranges)' : ranges.join(', ')}${alsoNodePorts}` }
      : { type: 'loadbalancer-ranges', path, what: `${served} from ${ranges.join(', ')}${alsoNodePorts}` })
  }
  const externalIPs = listOf(spec.externalIPs).filter((ip): ip is string => typeof ip === 'string')
  if (externalIPs.length > 0) facts.push({ type: 'external-ip', path: 'spec.externalIPs', what: `traffic to ${externalIPs.join(', ')} on every node` })
  return facts
}

function routeExposures (route: Route): ExposureFact[] {
  const spec = asRecord(route.spec)
  const host = typeof spec.host === 'string' && spec.host !== '' ? spec.host : '(generated host)'
  const tls = spec.tls === undefined || spec.tls === null ? undefined : asRecord(spec.tls)
  const facts: ExposureFact[] = []
  if (tls === undefined) facts.push({ type: 'route-plain-http', path: 'spec.tls', what: `http://${host} (no TLS)` })
  else if (tls.insecureEdgeTerminationPolicy === 'Allow') facts.push({ type: 'route-plain-http', path: 'spec.tls.insecureEdgeTerminationPolicy', what: `http://${host} served beside HTTPS (Allow)` })
  if (spec.wildcardPolicy === 'Subdomain') facts.push({ type: 'route-wildcard', path: 'spec.wildcardPolicy', what: `every host under ${host.replace(/^\*\./, '')} (wildcardPolicy Subdomain)` })
  else if (host.startsWith('*')) facts.push({ type: 'route-wildcard', path: 'spec.host', what: `every host matching ${host}` })
  return facts
}

function ingressExposures (ingress: Ingress): ExposureFact[] {
  const spec = asRecord(ingress.spec)
  const tlsHosts = new Set(listOf(spec.tls).flatMap((tls) => listOf(asRecord(tls).hosts)).filter((host): host is string => typeof host === 'string').map((host) => host.toLowerCase()))
  const facts: ExposureFact[] = []
  if (spec.defaultBackend !== undefined || spec.backend !== undefined) {
    facts.push({ type: 'ingress-wildcard', path: spec.defaultBackend !== undefined ? 'spec.defaultBackend' : 'spec.backend', what: 'a default backend answers every host' })
  }
  for (const [index, rule] of listOf(spec.rules).map(asRecord).entries()) {
    const host = typeof rule.host === 'string' && rule.host !== '' ? rule.host : undefined
    const path = `spec.rules[${index}].host`
    if (host === undefined) {
      facts.push({ type: 'ingress-wildcard', path, what: 'a rule without a host answers every host' })
      continue
    }
    if (host.startsWith('*')) facts.push({ type: 'ingress-wildcard', path, what: `every host matching ${host}` })
    if (!tlsHosts.has(host.toLowerCase())) facts.push({ type: 'ingress-plain-http', path, what: `http://${host} (not in spec.tls)` })
  }
  return facts
}

function policyExposures (policy: KubeObject, direction: Direction): ExposureFact[] {
  const ingress = direction === 'Ingress'
  const facts: ExposureFact[] = []
  for (const rule of directedRules(policy, direction)) {
    const ports = portsText(rule.path, policy)
    if (rule.peers === undefined) {
      facts.push(ingress
        ? { type: 'ingress-from-all', path: rule.path, what: `every source${ports}` }
        : { type: 'egress-world', path: rule.path, what: `every destination${ports}` })
      continue
    }
    const { blocks, addresses } = peerAddresses(rule.peers, rule.peersPath)
    if (findOpenRange(addresses, WORLD) === undefined) continue
    const what = `${blocks.map((block) => block.text).join(', ')}${ports}`
    facts.push({ type: ingress ? 'ingress-from-world' : 'egress-world', path: rule.peersPath, what: ingress ? `from ${what}` : `to ${what}` })
  }
  return facts
}

function portsText (rulePath: string, policy: KubeObject): string {
  const [, list, index] = /^spec\.(ingress|egress)\[(\d+)\]$/.exec(rulePath) ?? []
  const rule = asRecord(listOf(asRecord(asRecord(policy).spec)[list ?? ''])[Number(index)])
  const ports = listOf(rule.ports).map(asRecord).map((port) => `${String(port.port ?? 'all')}${typeof port.endPort === 'number' ? `-${port.endPort}` : ''}/${typeof port.protocol === 'string' ? port.protocol : 'TCP'}`)
  return ports.length === 0 ? ', all ports' : `, ports ${ports.join(', ')}`
}

function egressFirewallExposures (firewall: EgressFirewall): ExposureFact[] {
  return listOf(asRecord(firewall.spec).egress).map(asRecord).flatMap((rule, index) => {
    const cidr = asRecord(rule.to).cidrSelector
    if (rule.type !== 'Allow' || typeof cidr !== 'string' || findOpenRange(addressesOf([cidr]), WORLD) === undefined) return []
    return [{ type: 'egressfirewall-world' as const, path: `spec.egress[${index}].to.cidrSelector`, what: `allows ${cidr}` }]
  })
}

function podExposures (object: KubeObject): ExposureFact[] {
  // podTemplate reads only the kind of its context.
  const template = podTemplate(object, { kind: kindOf(object) } as ReviewContext)
  if (template === undefined) return []
  const facts: ExposureFact[] = []
  if (template.spec.hostNetwork === true) facts.push({ type: 'host-network', path: template.at('spec.hostNetwork'), what: 'the node\'s network namespace: NetworkPolicy does not apply' })
  const hostPorts = [...listOf(template.spec.containers), ...listOf(template.spec.initContainers)]
    .flatMap((container) => listOf(asRecord(container).ports).map(asRecord))
    .filter((port) => typeof port.hostPort === 'number' && port.hostPort > 0)
    .map((port) => `${String(port.hostPort)}/${typeof port.protocol === 'string' ? port.protocol : 'TCP'}`)
  if (hostPorts.length > 0) facts.push({ type: 'host-port', path: template.at('spec.containers'), what: `host ports ${hostPorts.join(', ')} on its node` })
  return facts
}

function addressesOf (texts: readonly string[]): AddressSet {
  return AddressSet.of(texts.flatMap((text) => parseCidr(text) ?? []))
}

function asRecord (value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {}
}

function listOf (value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : []
}
