import type { AddressInfo } from 'node:net'
import type { SecureContextOptions } from 'node:tls'
import type { Logger } from 'pino'
import { buildApp, type WebhookApp } from './admission/app.ts'
import { startClusterServices, type ClusterServices, type ClusterServicesOptions } from './cluster-services.ts'
import type { Config } from './config.ts'
import { Metrics } from './metrics.ts'
import { PolicyStore } from './policy/store.ts'
import { ensureDevCertificates } from './tls/dev-certs.ts'
import { readKeyPair, type CertificateStatus, type KeyPair } from './tls/key-pair.ts'
import { KeyPairWatcher } from './tls/reload.ts'

/** TLS 1.2 or newer only: the API server speaks 1.2 and 1.3, and nothing older is safe. */
const MIN_TLS_VERSION = 'TLSv1.2'

export interface RunningServer {
  readonly app: WebhookApp
  readonly port: number
  readonly policies: PolicyStore
  /** Caches and reconciler (counters, leadership, cache states); inert without a cluster. */
  readonly cluster: ClusterServices
  /** What GET /metrics exports: reviews, policy reloads, the reconciler's passes and repairs. */
  readonly metrics: Metrics
  /** The development CA file, when serving a generated certificate. */
  readonly devCaFile: string | undefined
  /** Stops accepting, finishes in-flight reviews, closes idle keep-alive connections. */
  close (): Promise<void>
}

export interface StartOptions {
  /** @default () => new Date() */
  readonly clock?: () => Date
  /** Debounce of the policy and certificate watchers. @default their own */
  readonly debounceMs?: number
  /** Timings of the caches, Lease and reconciler (tests). @default their own */
  readonly clusterTuning?: ClusterServicesOptions['tuning']
}

/**
 * `netguard serve` minus the process: policy store (watching) → cluster caches and reconciler
 * (when there is a cluster; the server does not wait for them) → certificate (given files,
 * watched; or a development pair) → app → listen. Tests and the benchmark start it in-process.
 */
export async function startServer (config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? (() => new Date())
  const policies = await PolicyStore.open(config.policiesDir, logger.child({ module: 'policy' }), {
    ownNamespace: config.ownNamespace,
    debounceMs: options.debounceMs
  })
  let watcher: KeyPairWatcher | undefined
  let cluster: ClusterServices | undefined
  const metrics = new Metrics()
  metrics.observePolicy(() => policies.status)
  try {
    cluster = await startClusterServices({
      policyStore: policies,
      mode: config.mode,
      log: logger,
      metrics,
      cluster: config.cluster,
      namespace: config.ownNamespace,
      identity: config.identity,
      writeLimit: config.kubeApiWrites,
      tuning: options.clusterTuning
    })
    const { pair, devCaFile, certificate } = await loadCertificate(config, clock)
    const app = buildApp({
      policies,
      metrics,
      mode: config.mode,
      logger,
      clock,
      cluster: cluster.view,
      certificate: () => watcher?.status ?? certificate,
      https: secureContext(pair)
    })
    await app.listen({ port: config.port, host: config.host })
    policies.watch()
    if (config.tls !== undefined) {
      watcher = new KeyPairWatcher({
        ...config.tls,
        initial: pair,
        apply: (next) => app.server.setSecureContext(secureContext(next)),
        log: logger.child({ module: 'tls' }),
        clock,
        debounceMs: options.debounceMs
      })
    }
    if (devCaFile !== undefined) {
      logger.info({ caFile: devCaFile, notAfter: pair.notAfter.toISOString() }, 'serving a development certificate; clients trust it with this CA file')
    }
    logger.info({ mode: config.mode ?? policies.current.mode, sources: policies.current.sources }, 'netguard is serving')
    const services = cluster
    return {
      app,
      port: (app.server.address() as AddressInfo).port,
      policies,
      cluster: services,
      metrics,
      devCaFile,
      close: async () => {
        watcher?.close()
        policies.close()
        await app.close()
        await services.close()
      }
    }
  } catch (error) {
    policies.close()
    await cluster?.close()
    throw error
  }
}

async function loadCertificate (config: Config, clock: () => Date): Promise<{ pair: KeyPair, devCaFile: string | undefined, certificate: CertificateStatus }> {
  const now = clock()
  if (config.tls !== undefined) {
    const pair = await readKeyPair(config.tls.certFile, config.tls.keyFile, now)
    return { pair, devCaFile: undefined, certificate: { source: config.tls.certFile, notAfter: pair.notAfter, loadedAt: now, lastError: undefined } }
  }
  const dev = await ensureDevCertificates(config.devCertDir, config.dnsNames, now)
  return { pair: dev.pair, devCaFile: dev.caFile, certificate: { source: 'dev', notAfter: dev.pair.notAfter, loadedAt: now, lastError: undefined } }
}

function secureContext (pair: KeyPair): SecureContextOptions {
  return { cert: pair.cert, key: pair.key, minVersion: MIN_TLS_VERSION }
}
