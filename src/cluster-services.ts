import { hostname } from 'node:os'
import type { Logger } from 'pino'
import type { CompiledPolicy } from './engine/policy.ts'
import type { ClusterView, Mode } from './engine/types.ts'
import { describeClusterConfig, type ClusterConfigSource } from './kube/cluster-config.ts'
import { openKubePort, type KubePort } from './kube/port.ts'
import type { RateLimit } from './kube/rate-limiter.ts'
import { BASELINE_ADMIN_NETWORK_POLICIES, MULTI_NETWORK_POLICIES, NAMESPACES, NETWORK_ATTACHMENT_DEFINITIONS, NETWORK_POLICIES } from './kube/resources.ts'
import { Reconciler, type ReconcilerCounters, type ReconcilerObserver, type ReconcilerOptions } from './reconciler/controller.ts'
import { LeaderElector, type LeaderElectionOptions } from './reconciler/leader.ts'
import { ClusterCaches, type CacheHealth } from './cluster/caches.ts'
import type { CacheState, InformerOptions } from './cluster/informer.ts'

export interface ClusterServicesOptions {
  /** The policy in force; on change every namespace is reconciled again. */
  readonly policyStore: { readonly current: CompiledPolicy, onChange?: (listener: (policy: CompiledPolicy) => void) => void }
  /** `--mode`: overrides the policy's mode for the reconciler too. */
  readonly mode?: Mode
  readonly log: Logger
  /** Where the API server is (Config.cluster, from findClusterConfig); undefined: no cluster. */
  readonly cluster: ClusterConfigSource | undefined
  /** The one rate limit on every write (reconciler, Lease). @default DEFAULT_RATE_LIMIT */
  readonly writeLimit?: RateLimit
  /** Run the reconciler (with leader election). @default true */
  readonly reconcile?: boolean
  /** The Lease holder name (the pod name). @default the host name */
  readonly identity?: string
  /** netguard's own namespace, where the Lease lives. @default 'netguard' */
  readonly namespace?: string
  /** Told of every reconcile, repair and change of leadership (the server's metrics). */
  readonly metrics?: ReconcilerObserver
  /** Timings for tests and tuning; the defaults suit a real cluster. */
  readonly tuning?: {
    readonly informer?: Omit<InformerOptions, 'log'>
    readonly leader?: Partial<Omit<LeaderElectionOptions, 'port' | 'log' | 'namespace' | 'identity'>>
    readonly reconciler?: Partial<Pick<ReconcilerOptions, 'retry' | 'workers' | 'resyncMs'>>
    readonly requestTimeoutMs?: number
  }
}

export interface ClusterServices {
  /** What cluster-aware rules read (ReviewContext.cluster); undefined without a cluster. */
  readonly view: ClusterView | undefined
  /** The reconciler's counters; undefined when it does not run. */
  readonly counters: ReconcilerCounters | undefined
  isLeader (): boolean
  /** Namespaces the reconciler has yet to look at (queued, in progress, or waiting to retry). */
  backlog (): number
  /** Per cached kind: unknown, synced or not served. */
  cacheStates (): Record<string, CacheState>
  /** Per cached kind: state and when its last list or watch failed (for metrics). */
  cacheHealth (): Record<string, CacheHealth>
  close (): Promise<void>
}

/**
 * Starts what netguard does in a cluster: informer caches for the cluster-aware rules and, when
 * asked, the reconciler behind a leader Lease. It does not wait for the caches: the server serves
 * meanwhile and rules answer "unknown" as the policy says. Without a cluster configuration it
 * starts nothing, says so once, and the server runs as before.
 */
export async function startClusterServices (options: ClusterServicesOptions): Promise<ClusterServices> {
  const log = options.log.child({ module: 'cluster' })
  const source = options.cluster
  if (source === undefined) {
    log.info('no cluster configuration (no --kubeconfig, $KUBECONFIG or ~/.kube/config, not in a pod): running without cluster caches and reconciler')
    return { view: undefined, counters: undefined, isLeader: () => false, backlog: () => 0, cacheStates: () => ({}), cacheHealth: () => ({}), close: async () => {} }
  }
  const port = await openKubePort(source, { requestTimeoutMs: options.tuning?.requestTimeoutMs, writeLimit: options.writeLimit })
  log.info({ source: describeClusterConfig(source) }, 'connecting to the cluster')
  return startWithPort(port, options, log)
}

/** The same, on a port. */
function startWithPort (port: KubePort, options: ClusterServicesOptions, log: Logger): ClusterServices {
  const caches = new ClusterCaches(port, { ...options.tuning?.informer, log: log.child({ component: 'cache' }) })
  caches.start()
  if (options.reconcile === false) {
    return { view: caches, counters: undefined, isLeader: () => false, backlog: () => 0, cacheStates: () => caches.states(), cacheHealth: () => caches.health(), close: async () => await caches.stop() }
  }
  const reconcilerLog = log.child({ component: 'reconciler' })
  const reconciler = new Reconciler({
    ...options.tuning?.reconciler,
    port,
    log: reconcilerLog,
    namespaces: caches.informer(NAMESPACES),
    networkPolicies: caches.informer(NETWORK_POLICIES),
    networkAttachments: caches.informer(NETWORK_ATTACHMENT_DEFINITIONS),
    multiNetworkPolicies: caches.informer(MULTI_NETWORK_POLICIES),
    baselinePolicies: caches.informer(BASELINE_ADMIN_NETWORK_POLICIES),
    policy: () => options.policyStore.current,
    mode: options.mode,
    leadership: () => elector.leadership,
    observer: options.metrics
  })
  const elector = new LeaderElector({
    ...options.tuning?.leader,
    port,
    log: reconcilerLog,
    namespace: options.namespace ?? 'netguard',
    identity: options.identity ?? hostname(),
    onStartedLeading: () => {
      options.metrics?.leading?.(true)
      reconciler.backfill()
    },
    onStoppedLeading: () => options.metrics?.leading?.(false)
  })
  options.policyStore.onChange?.(() => reconciler.backfill())
  reconciler.start()
  elector.start()
  return {
    view: caches,
    counters: reconciler.counters,
    isLeader: () => elector.isLeader,
    backlog: () => reconciler.backlog,
    cacheStates: () => caches.states(),
    cacheHealth: () => caches.health(),
    async close () {
      await reconciler.stop()
      await elector.stop()
      await caches.stop()
    }
  }
}
