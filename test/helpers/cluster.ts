// Shared set-up for the tests that run netguard's cluster services against the loopback double
// (test/helpers/fake-apiserver.ts); the real API server's counterparts are in test/e2e/.
import type { CompiledPolicy } from '../../src/engine/policy.ts'
import { startClusterServices, type ClusterServices, type ClusterServicesOptions } from '../../src/cluster-services.ts'
import { NAMESPACES, NETWORK_POLICIES } from '../../src/kube/resources.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import type { FakeApiServer } from './fake-apiserver.ts'
import { captureLog } from './log.ts'
import { policyWith } from './policy.ts'
import type { TestContext } from './tap.ts'
import { until } from './wait.ts'

/** A policy store test double: swap the policy with `set`, as a reload would. */
export class TestPolicyStore {
  current: CompiledPolicy
  private readonly listeners: ((policy: CompiledPolicy) => void)[] = []

  constructor (policy: CompiledPolicy = policyWith()) {
    this.current = policy
  }

  onChange (listener: (policy: CompiledPolicy) => void): void {
    this.listeners.push(listener)
  }

  set (policy: CompiledPolicy): void {
    this.current = policy
    for (const listener of this.listeners) listener(policy)
  }
}

/** Timings short enough for tests; every wait in the tests polls for an outcome instead of sleeping. */
export const FAST_TUNING: ClusterServicesOptions['tuning'] = {
  informer: { retry: { initialMs: 5, maxMs: 40 }, notServedRetryMs: 50 },
  leader: { leaseDurationMs: 300, renewDeadlineMs: 200, retryPeriodMs: 20 },
  reconciler: { retry: { initialMs: 5, maxMs: 40 }, resyncMs: 0 },
  requestTimeoutMs: 2000
}

export interface StartedReplica {
  readonly services: ClusterServices
  readonly logs: ReturnType<typeof captureLog>
}

/** Starts netguard's cluster services against the fake, as replica `identity`; closed at teardown. */
export async function startReplica (
  t: TestContext,
  fake: FakeApiServer,
  options: {
    identity?: string
    store?: TestPolicyStore
    mode?: ClusterServicesOptions['mode']
    reconcile?: boolean
    metrics?: ClusterServicesOptions['metrics']
    writeLimit?: ClusterServicesOptions['writeLimit']
  } = {}
): Promise<StartedReplica> {
  const identity = options.identity ?? 'replica-a'
  const logs = captureLog()
  const services = await startClusterServices({
    policyStore: options.store ?? new TestPolicyStore(),
    mode: options.mode,
    log: logs.log,
    cluster: { type: 'kubeconfig', files: [fake.writeKubeconfig(t.testdir(), identity)] },
    reconcile: options.reconcile,
    metrics: options.metrics,
    writeLimit: options.writeLimit,
    identity,
    namespace: 'netguard',
    tuning: FAST_TUNING
  })
  t.teardown(() => services.close())
  return { services, logs }
}

export const isolatedNamespace = (name: string, labels: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'netguard.io/isolation': 'default-deny', ...labels } } })

/** Seeds netguard's own namespace, where the Lease lives. */
export function seedOwnNamespace (fake: FakeApiServer): void {
  fake.put(NAMESPACES, { metadata: { name: 'netguard' } })
}

let markers = 0

/**
 * Waits until the reconciler has handled every change made so far: a marker namespace's policies
 * reach the cache after every earlier NetworkPolicy event (one ordered watch stream), then the
 * work queue drains. Deterministic, unlike sleeping.
 */
export async function settle (fake: FakeApiServer, services: ClusterServices, policiesPerNamespace = 4): Promise<void> {
  const marker = `marker-${++markers}`
  fake.put(NAMESPACES, isolatedNamespace(marker))
  await until(`the ${marker} policies in the cache`, () => services.view?.list(NETWORK_POLICIES, marker)?.length === policiesPerNamespace)
  await until('an empty work queue', () => services.backlog() === 0)
}
