import fc from 'fast-check'
import t, { type Test } from 'tap'
import { contextFor, evaluate, mutate, policyWith } from '../../helpers/policy.ts'
import type { CompiledPolicy } from '../../../src/engine/policy.ts'
import type { MutationRule, ValidationRule } from '../../../src/engine/rule.ts'
import type { ClusterView, ReviewContext } from '../../../src/engine/types.ts'
import { kindKey, type KindRef, type KubeObject } from '../../../src/kube/types.ts'
import { loadPolicyDir } from '../../../src/policy/load.ts'
import { FORBIDDEN, type ForbiddenCase } from './malformed-cases.ts'

// Every rule reads untrusted input: any JSON value may sit at any field. Two properties, for
// every rule, over objects whose fields are replaced with arbitrary JSON (embedded JSON such as
// spec.config and the networks annotation is opened and garbled inside too):
//   1. no exception escapes any rule of the kind, whatever is garbled (the object, the object
//      before an UPDATE, the cluster state it is compared with);
//   2. a forbidden setting stays found when only fields it does not rest on are garbled.
// Fixed seed and bounded runs: deterministic, and a failure prints the seed and the object.
// NETGUARD_PROPERTY_SEED and NETGUARD_PROPERTY_RUNS explore further by hand.

const SEED = Number(process.env.NETGUARD_PROPERTY_SEED ?? 20261126)
const RUNS = Number(process.env.NETGUARD_PROPERTY_RUNS ?? 100)

const bundled = await loadPolicyDir(new URL('../../../policies/', import.meta.url).pathname)

/** A string field holding JSON, opened so that its inside can be garbled; closed again before use. */
class Embedded {
  readonly value: unknown
  constructor (value: unknown) { this.value = value }
}

type Path = readonly (string | number)[]

function open (value: unknown): unknown {
  if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
    try {
      return new Embedded(open(JSON.parse(value)))
    } catch {
      return value
    }
  }
  if (Array.isArray(value)) return value.map(open)
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, open(inner)]))
  return value
}

function close (value: unknown): unknown {
  if (value instanceof Embedded) return JSON.stringify(close(value.value))
  if (Array.isArray(value)) return value.map(close)
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) Object.defineProperty(out, key, { value: close(inner), enumerable: true, writable: true, configurable: true })
    return out
  }
  return value
}

/** Every path into an opened value, embedded JSON included (a step into Embedded is 'value'). */
function paths (value: unknown, prefix: Path = []): Path[] {
  const children: [string | number, unknown][] = value instanceof Embedded
    ? [['value', value.value]]
    : Array.isArray(value) ? value.map((item, index) => [index, item]) : typeof value === 'object' && value !== null ? Object.entries(value) : []
  return children.flatMap(([key, inner]) => [[...prefix, key], ...paths(inner, [...prefix, key])])
}

function clone (value: unknown): unknown {
  if (value instanceof Embedded) return new Embedded(clone(value.value))
  if (Array.isArray(value)) return value.map(clone)
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, clone(inner)]))
  return value
}

interface Garbling { readonly at: number, readonly value: unknown, readonly key: string | null }

/** Applies garblings to a copy of an opened value: replace the value at a path, or add a key beside it. */
function garble (base: unknown, all: readonly Path[], garblings: readonly Garbling[]): unknown {
  const root = { root: clone(base) }
  if (all.length === 0) return root.root
  for (const { at, value: generated, key } of garblings) {
    // fast-check hands out the same values again while shrinking: never change them in place.
    const value = clone(generated)
    const path = ['root', ...(all[at] ?? [])]
    let parent: unknown = root
    for (const step of path.slice(0, -1)) parent = parent instanceof Embedded ? parent.value : (parent as Record<string | number, unknown> | undefined)?.[step]
    const last = path.at(-1) as string | number
    const holder = parent instanceof Embedded ? undefined : parent as Record<string | number, unknown> | undefined
    if (holder === undefined || typeof holder !== 'object' || holder === null) continue
    const target = holder[last]
    if (key !== null && typeof target === 'object' && target !== null && !Array.isArray(target) && !(target instanceof Embedded)) {
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
    } else {
      holder[last] = value
    }
  }
  return root.root
}

const awkward = fc.constantFrom(null, '', ' ', 0, -1, 1.5, 1e308, true, false, [], {}, [null], [[]], { '': null }, '0.0.0.0/0', '::/0', '*', 'NodePort', 'true', '-', '/', 'a'.repeat(300))
/** Field names the rules read, so that garbage lands on fields the base object leaves out too. */
const FIELDS = [
  'type', 'ports', 'port', 'nodePort', 'externalIPs', 'externalName', 'loadBalancerSourceRanges', 'allocateLoadBalancerNodePorts',
  'selector', 'host', 'subdomain', 'path', 'tls', 'termination', 'insecureEdgeTerminationPolicy', 'certificate', 'key', 'caCertificate',
  'destinationCACertificate', 'externalCertificate', 'wildcardPolicy', 'rules', 'http', 'paths', 'backend', 'defaultBackend', 'ingressClassName',
  'policyTypes', 'ingress', 'egress', 'from', 'to', 'ipBlock', 'cidr', 'except', 'namespaceSelector', 'podSelector', 'matchLabels',
  'matchExpressions', 'operator', 'values', 'config', 'template', 'jobTemplate', 'spec', 'metadata', 'name', 'namespace', 'labels',
  'annotations', 'containers', 'initContainers', 'hostNetwork', 'hostPort', 'egressIPs', 'cidrSelector', 'dnsName', 'nodeSelector', 'data',
  'plugins', 'ipam', 'master', 'Master', 'vlan', 'vlanId', 'vlanTrunk', 'ranges', 'subnet', 'range', 'ipRanges', 'addresses', 'args', 'cni',
  'runtimeConfig', 'ips', 'sysctl', 'promisc', 'mode', 'trust', 'spoofchk', 'device', 'bridge', 'subnets', 'excludeSubnets', 'portMappings',
  'cni-args', 'deviceID', 'interface', 'ownerReferences', 'finalizers'
]
const keys = fc.oneof(
  fc.constantFrom(...FIELDS),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'length', 'Type'),
  fc.constantFrom('k8s.v1.cni.cncf.io/networks', 'v1.multus-cni.io/default-network', 'external-dns.alpha.kubernetes.io/hostname',
    'service.beta.kubernetes.io/load-balancer-source-ranges', 'kubernetes.io/ingress.class', 'netguard.io/ignore', 'app.kubernetes.io/managed-by'),
  fc.string({ maxLength: 8 })
)
const garbage = fc.oneof(awkward, fc.jsonValue({ maxDepth: 2 }), fc.dictionary(keys, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }))
const garblings = (all: readonly Path[]) => fc.array(fc.record({ at: fc.nat({ max: Math.max(all.length - 1, 0) }), value: garbage, key: fc.option(keys, { nil: null }) }), { minLength: 1, maxLength: 3 })

const KINDS = new Map<string, KindRef>()
function kindOf (object: KubeObject): KindRef {
  const ref = contextFor(object).kind
  KINDS.set(kindKey(ref), ref)
  return ref
}

/** The request's namespace, as the API server gives it: fixed by the case, never by the garbled object. */
function namespaceOf (object: KubeObject): string | undefined {
  return object.kind === 'Namespace' ? object.metadata?.name : object.metadata?.namespace
}

function policyOf (forbidden: ForbiddenCase): CompiledPolicy {
  return forbidden.spec === undefined ? bundled : policyWith(forbidden.spec)
}

/** A cluster view over `objects`, answering for the kinds the case has objects of (and Namespaces). */
function viewOf (objects: unknown): ClusterView {
  const list = (Array.isArray(objects) ? objects : []).filter((object): object is KubeObject => typeof object === 'object' && object !== null && !Array.isArray(object))
  return {
    list: (kind, namespace) => list.filter((object) => {
      const meta = (object as { metadata?: unknown }).metadata
      const ns = typeof meta === 'object' && meta !== null ? (meta as { namespace?: unknown }).namespace : undefined
      return object.kind === kind.kind && (namespace === undefined || ns === namespace || kind.kind === 'Namespace')
    })
  }
}

function contextOf (forbidden: ForbiddenCase, object: KubeObject, oldObject: KubeObject | undefined, cluster: ClusterView | undefined): ReviewContext {
  return {
    ...contextFor(forbidden.object, { operation: forbidden.operation, oldObject, cluster, username: forbidden.username }),
    kind: kindOf(forbidden.object),
    namespace: namespaceOf(forbidden.object),
    name: forbidden.object.metadata?.name
  }
}

/** Every rule configured for the kind, with its compiled settings, whatever its action. */
function rulesFor (policy: CompiledPolicy, kind: KindRef): { validations: { rule: ValidationRule, settings: unknown }[], mutations: { rule: MutationRule, settings: unknown }[] } {
  return {
    validations: (policy.validations.get(kindKey(kind)) ?? []).map(({ rule, settings }) => ({ rule, settings })),
    mutations: (policy.mutations.get(kindKey(kind)) ?? []).map(({ rule, settings }) => ({ rule, settings }))
  }
}

function report (t: Test, name: string, run: () => void): void {
  try {
    run()
    t.pass(name)
  } catch (error) {
    const cause = error instanceof Error && error.cause !== undefined ? ` Cause: ${String(error.cause instanceof Error ? error.cause.stack : error.cause)}` : ''
    t.fail(`${name} (seed ${SEED}, runs ${RUNS}): ${error instanceof Error ? error.message : String(error)}${cause}`)
  }
}

t.test('no exception escapes a rule, whatever JSON sits at whatever field', async (t) => {
  for (const forbidden of FORBIDDEN) {
    const base = open(forbidden.object)
    const all = paths(base)
    const old = forbidden.oldObject === undefined ? undefined : open(forbidden.oldObject)
    const oldPaths = old === undefined ? [] : paths(old)
    const cluster = open(forbidden.cluster ?? [])
    const clusterPaths = paths(cluster)
    const policy = policyOf(forbidden)
    const { validations, mutations } = rulesFor(policy, kindOf(forbidden.object))
    report(t, `${forbidden.rule}: every ${forbidden.object.kind ?? ''} rule reads garbled objects`, () => {
      fc.assert(fc.property(garblings(all), garblings(oldPaths), garblings(clusterPaths), (here, before, elsewhere) => {
        const object = close(garble(base, all, here)) as KubeObject
        const oldObject = old === undefined ? undefined : close(garble(old, oldPaths, before)) as KubeObject
        const view = viewOf(close(garble(cluster, clusterPaths, elsewhere)))
        const context = contextOf(forbidden, object, oldObject, view)
        for (const { rule, settings } of validations) rule.check(object, context, settings)
        for (const { rule, settings } of mutations) rule.mutate(object, context, settings)
        // And nothing the engine turns into "could not evaluate".
        const failed = evaluate(object, context, policy).find((violation) => violation.message.startsWith('rule could not evaluate'))
        if (failed !== undefined) throw new Error(`${failed.ruleId}: ${failed.message}`)
      }), { seed: SEED, numRuns: RUNS })
    })
  }
})

/** True when `path` is one of `kept`, or inside one, or on the way to one. */
function touches (path: Path, kept: readonly Path[]): boolean {
  return kept.some((keep) => {
    const length = Math.min(keep.length, path.length)
    return keep.slice(0, length).every((step, index) => String(step) === String(path[index]))
  })
}

t.test('a forbidden setting stays found when unrelated fields are garbage', async (t) => {
  for (const forbidden of FORBIDDEN) {
    const policy = policyOf(forbidden)
    const cluster = forbidden.cluster === undefined ? undefined : viewOf(forbidden.cluster)
    const judge = (object: KubeObject) => {
      const context = contextOf(forbidden, object, forbidden.oldObject, cluster)
      if (forbidden.rule === 'NS-ISOLATION') return mutate(object, context, policy).changes.filter((change) => change.ruleId === forbidden.rule).map((change) => `${change.action} ${change.message}`)
      return evaluate(object, context, policy).filter((violation) => violation.ruleId === forbidden.rule).map((violation) => `${violation.action} ${violation.path}`)
    }
    const expected = judge(forbidden.object)
    t.ok(expected.length > 0 && expected.every((found) => !found.endsWith(' ')), `${forbidden.rule}: the case is found as written (${expected.join('; ')})`)
    const base = open(forbidden.object)
    const kept = forbidden.keep.map((keep) => keep.split('.').map((step) => (/^\d+$/.test(step) ? Number(step) : step)))
    const free = paths(base).filter((path) => !touches(path, kept))
    if (free.length === 0) continue
    report(t, `${forbidden.rule}: still found with unrelated fields garbled`, () => {
      fc.assert(fc.property(garblings(free), (here) => {
        const object = close(garble(base, free, here)) as KubeObject
        const found = judge(object)
        if (!expected.some((finding) => found.includes(finding))) throw new Error(`expected one of ${expected.join('; ')}, found ${found.join('; ') || 'nothing'}`)
      }), { seed: SEED, numRuns: RUNS })
    })
  }
})
