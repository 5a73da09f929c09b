// Policy size must not slow reviews: the same reviews under policies that allow 10, 1,000 and
// 10,000 hosts, host suffixes and CIDRs (Route and Ingress hosts, Service external IPs, EgressIP
// pools, NetworkPolicy egress ranges, NAD IPAM ranges), and as many per-namespace entries (a
// domain and a range for each tenant namespace). Each review goes through the engine's review
// at the validate point, where a setting's size could show; rounds alternate between the sizes
// so that load from elsewhere on the machine falls on all alike. Prints `policy-scale: ratio X`,
// the median cost per review at 10,000 over the cost at 10. `npm run bench:policy`.
import { loadavg } from 'node:os'
import type { CompiledPolicy } from '../src/engine/policy.ts'
import { review } from '../src/engine/review.ts'
import type { Subject, Violation } from '../src/engine/types.ts'
import { kindOf } from '../src/kube/kinds.ts'
import type { KubeObject } from '../src/kube/types.ts'
import { compilePolicy } from '../src/policy/compile.ts'
import { parseSource } from '../src/policy/parse.ts'

const SIZES = [10, 1000, 10_000] as const
const ROUNDS = 15
const ROUND_MS = 400

/** `size` entries of each list: half exact hosts, half `.suffix` domains; CIDRs spread over 10/8 and 2001:db8::/32. */
function policyOf (size: number): CompiledPolicy {
  const hosts = Array.from({ length: size }, (_, index) => index % 2 === 0 ? `app-${index}.apps.example.com` : `.team-${index}.example.org`)
  const v4 = Array.from({ length: size }, (_, index) => `10.${(index >> 8) & 255}.${index & 255}.0/28`)
  const v6 = Array.from({ length: size }, (_, index) => `2001:db8:${index.toString(16)}::/64`)
  const cidrs = [...v4.slice(0, size / 2), ...v6.slice(0, size / 2)]
  // The same number of per-namespace entries: one domain and one range for each tenant namespace.
  const tenants = Array.from({ length: size }, (_, index) => `tenant-${index}`)
  const spec = {
    rules: {
      'ROUTE-HOST': { allowedHostSuffixes: hosts, namespaceHostSuffixes: tenants.map((tenant) => ({ namespaces: [tenant], suffixes: [`${tenant}.apps.example.com`] })) },
      'ING-HOST': { allowedHostSuffixes: hosts },
      'SVC-EXTERNALIP': { allowedCidrs: cidrs, namespaceCidrs: tenants.map((tenant, index) => ({ namespaces: [tenant], cidrs: [`172.16.${(index >> 8) & 255}.${index & 255}/32`] })) },
      'EGRESSIP-POOL': { poolCidrs: cidrs },
      'NETPOL-EGRESS-CIDR': { action: 'deny', approvedCidrs: cidrs },
      'NAD-IPAM-RANGE': { allowedCidrs: cidrs }
    }
  }
  const text = JSON.stringify({ apiVersion: 'netguard.io/v1alpha1', kind: 'NetworkGuardPolicy', spec })
  return compilePolicy(parseSource(`policy-${size}.json`, text).documents)
}

const meta = (kind: string, apiVersion: string, namespace: string | undefined, spec: Record<string, unknown>): KubeObject =>
  ({ apiVersion, kind, metadata: { name: `bench-${kind.toLowerCase()}`, ...(namespace === undefined ? {} : { namespace }) }, spec })

/** Reviews that each look a host, address or range up in the lists (global and per namespace): some inside, some outside. */
const OBJECTS: readonly KubeObject[] = [
  meta('Route', 'route.openshift.io/v1', 'shop', { host: 'app-4.apps.example.com', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge' } }),
  meta('Route', 'route.openshift.io/v1', 'shop', { host: 'www.team-5.example.org', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge' } }),
  meta('Route', 'route.openshift.io/v1', 'shop', { host: 'elsewhere.example.net', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge' } }),
  meta('Route', 'route.openshift.io/v1', 'tenant-7', { host: 'web.tenant-7.apps.example.com', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge' } }),
  meta('Route', 'route.openshift.io/v1', 'tenant-7', { host: 'web.tenant-8.apps.example.com', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge' } }),
  meta('Service', 'v1', 'tenant-7', { type: 'ClusterIP', ports: [{ port: 80 }], externalIPs: ['172.16.0.7', '172.16.0.8'] }),
  meta('Ingress', 'networking.k8s.io/v1', 'shop', {
    tls: [{ hosts: ['app-8.apps.example.com', 'nowhere.example.net'] }],
    rules: [{ host: 'app-8.apps.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } },
      { host: 'nowhere.example.net', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }]
  }),
  meta('Service', 'v1', 'shop', { type: 'ClusterIP', ports: [{ port: 80 }], externalIPs: ['10.0.3.5', '192.0.2.7', '2001:db8:2::1'] }),
  meta('EgressIP', 'k8s.ovn.org/v1', undefined, { egressIPs: ['10.0.1.4', '198.51.100.3'], namespaceSelector: { matchLabels: { team: 'shop' } } }),
  meta('NetworkPolicy', 'networking.k8s.io/v1', 'shop', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.2.0/28' } }, { ipBlock: { cidr: '172.16.0.0/24' } }, { ipBlock: { cidr: '2001:db8:3::/64' } }] }]
  }),
  meta('NetworkAttachmentDefinition', 'k8s.cni.cncf.io/v1', 'shop', {
    config: JSON.stringify({ cniVersion: '0.3.1', name: 'net', type: 'macvlan', master: 'eth1', ipam: { type: 'host-local', ranges: [[{ subnet: '10.0.4.0/28' }], [{ subnet: '192.168.9.0/24' }]] } })
  })
]

const SUBJECTS: readonly Subject[] = OBJECTS.map((object) => ({
  object,
  operation: 'CREATE',
  kind: kindOf(object),
  namespace: object.metadata?.namespace,
  name: object.metadata?.name,
  user: { username: 'alice', groups: ['system:authenticated'] },
  oldObject: undefined,
  dryRun: false,
  now: new Date('2026-06-01T00:00:00Z')
}))

/**
 * CPU nanoseconds per review over the whole set, for about ROUND_MS of wall time. CPU time, not
 * wall time: on a shared machine the process is preempted, and wall time would count that.
 */
function measure (policy: CompiledPolicy): number {
  let reviews = 0
  let sink = 0
  const cpu = process.cpuUsage()
  const deadline = process.hrtime.bigint() + BigInt(ROUND_MS) * 1_000_000n
  while (process.hrtime.bigint() < deadline) {
    for (const subject of SUBJECTS) sink += violations(subject, policy).length
    reviews += SUBJECTS.length
  }
  if (sink < 0) console.log(sink)
  const { user, system } = process.cpuUsage(cpu)
  return (user + system) * 1000 / reviews
}

/** The validating webhook's review of one subject: what a review costs, exemptions and decide included. */
function violations (subject: Subject, policy: CompiledPolicy): readonly Violation[] {
  return review(subject, policy, 'validate').decision.violations
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

function main (): void {
  console.log(`policy-scale: machine load ${loadavg().map((load) => load.toFixed(2)).join(' ')} (1, 5, 15 min), node ${process.version}; ${OBJECTS.length} reviews, ${ROUNDS} rounds of ${ROUND_MS} ms per size`)
  const policies = new Map<number, CompiledPolicy>()
  for (const size of SIZES) {
    const started = performance.now()
    policies.set(size, policyOf(size))
    console.log(`policy-scale: ${size} hosts and CIDRs per list, compiled in ${(performance.now() - started).toFixed(0)} ms`)
  }
  const verdicts = SIZES.map((size) => JSON.stringify(SUBJECTS.map((subject) => violations(subject, policies.get(size) as CompiledPolicy).map((violation) => violation.ruleId))))
  console.log(`policy-scale: rules with findings, per review: ${verdicts[0]}${verdicts.every((verdict) => verdict === verdicts[0]) ? ', the same at every size' : `; DIFFERENT at 10,000: ${verdicts[2]}`}`)
  for (const size of SIZES) measure(policies.get(size) as CompiledPolicy)
  const costs = new Map<number, number[]>(SIZES.map((size) => [size, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? SIZES : [...SIZES].reverse()
    for (const size of order) costs.get(size)?.push(measure(policies.get(size) as CompiledPolicy))
  }
  for (const size of SIZES) console.log(`policy-scale: ${String(size).padStart(6)} entries: ${(median(costs.get(size) ?? []) / 1000).toFixed(2)} µs per review (median of ${ROUNDS})`)
  const ratio = median(costs.get(10_000) ?? []) / median(costs.get(10) ?? [])
  console.log(`policy-scale: ratio ${ratio.toFixed(2)}`)
}

main()
