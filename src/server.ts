import type { AddressInfo } from 'node:net'
import type { SecureContextOptions } from 'node:tls'
import type { Logger } from 'pino'
import { buildApp, type AppDeps, type WebhookApp } from './admission/app.ts'
import { startClusterServices, type ClusterServices, type ClusterServicesOptions } from './cluster-services.ts'
import type { Config } from './config.ts'
import { Metrics } from './metrics.ts'
import { buildMetricsApp, type MetricsApp } from './metrics-server.ts'
import { PolicyStore } from './policy/store.ts'
import { CertificateError } from './errors.ts'
import { ensureDevCertificates, type DevCertificates } from './tls/dev-certs.ts'
import { readKeyPair, type CertificateStatus, type KeyPair } from './tls/key-pair.ts'
import { KeyPairWatcher } from './tls/reload.ts'

/** TLS 1.2 or newer only: the API server speaks 1.2 and 1.3, and nothing older is safe. */
const MIN_TLS_VERSION = 'TLSv1.2'

export interface RunningServer {
  readonly app: WebhookApp
  readonly port: number
  /** The plain-HTTP metrics port, when `config.metricsPort` asked for one. */
  readonly metricsPort: number | undefined
  readonly policies: PolicyStore
  /** Caches and reconciler (counters, leadership, cache states); inert without a cluster. */
  readonly cluster: ClusterServices
  /** What GET /metrics exports: reviews, policy reloads, the reconciler's passes and repairs. */
  readonly metrics: Metrics
  /** The development CA file, when serving a generated certificate. */
  readonly devCaFile: string | undefined
  /**
   * The way out of a terminating pod: unready at once, every answer with `Connection: close`,
   * the listener open for `config.shutdownDelayMs` (while the endpoint removal reaches the API
   * server and its keep-alive connections come by one last time), then close().
   */
  shutdown (): Promise<void>
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
  /** Passed to the app (tests shorten them). @default the app's own */
  readonly app?: Pick<AppDeps, 'largeReviews' | 'handshakeTimeoutMs'>
  /** Log lines the stdout buffer dropped so far, for /metrics. @default none exported */
  readonly droppedLogLines?: () => number
  /** Binds the listener (tests stand in a host without IPv6). @default the app's own listen */
  readonly listen?: (app: WebhookApp, port: number, host: string) => Promise<unknown>
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
  let metricsApp: MetricsApp | undefined
  const metrics = new Metrics()
  metrics.observePolicy(() => policies.status)
  if (options.droppedLogLines !== undefined) metrics.observeDroppedLogLines(options.droppedLogLines)
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
    const services = cluster
    metrics.observeCaches(() => services.cacheHealth())
    const { pair, devCaFile, certificate } = await loadCertificate(config, clock, logger)
    metrics.observeCertificate(() => watcher?.status ?? certificate)
    let draining = false
    const app = buildApp({
      policies,
      metrics,
      mode: config.mode,
      logger,
      clock,
      cluster: cluster.view,
      certificate: () => watcher?.status ?? certificate,
      https: secureContext(pair),
      bodyLimit: config.maxBodyBytes,
      draining: () => draining,
      ...options.app
    })
    const listen = options.listen ?? (async (server, port, host) => await server.listen({ port, host }))
    await listenOnEveryStack(config.port, config.host, async (port, host) => await listen(app, port, host), logger)
    logger.info({ address: urlOf('https', app.server.address() as AddressInfo) }, 'listening')
    if (config.metricsPort !== undefined) {
      const plain = metricsApp = buildMetricsApp(metrics, logger)
      await listenOnEveryStack(config.metricsPort, config.metricsHost, async (port, host) => await plain.listen({ port, host }), logger)
      logger.info({ address: urlOf('http', plain.server.address() as AddressInfo) }, 'listening')
    }
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
    const metricsServer = metricsApp
    const close = async (): Promise<void> => {
      watcher?.close()
      policies.close()
      await metricsServer?.close()
      await app.close()
      await services.close()
    }
    return {
      app,
      port: (app.server.address() as AddressInfo).port,
      metricsPort: metricsServer === undefined ? undefined : (metricsServer.server.address() as AddressInfo).port,
      policies,
      cluster: services,
      metrics,
      devCaFile,
      shutdown: async () => {
        draining = true
        logger.info({ delayMs: config.shutdownDelayMs }, 'draining: unready, closing each connection after its answer')
        await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs))
        await close()
      },
      close
    }
  } catch (error) {
    policies.close()
    await metricsApp?.close()
    await cluster?.close()
    throw error
  }
}

/**
 * Listens on the configured host, or on every address: `::` takes IPv6 and, mapped, IPv4 (one
 * socket, dual-stack); where the kernel has no IPv6 at all, `0.0.0.0`.
 */
async function listenOnEveryStack (port: number, host: string | undefined, listen: (port: number, host: string) => Promise<unknown>, logger: Logger): Promise<void> {
  if (host !== undefined) {
    await listen(port, host)
    return
  }
  try {
    await listen(port, '::')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw error
    logger.info({ code }, 'no IPv6 on this host; listening on IPv4 only')
    await listen(port, '0.0.0.0')
  }
}

function urlOf (scheme: 'http' | 'https', { address, port }: AddressInfo): string {
  return `${scheme}://${address.includes(':') ? `[${address}]` : address}:${port}`
}

async function loadCertificate (config: Config, clock: () => Date, logger: Logger): Promise<{ pair: KeyPair, devCaFile: string | undefined, certificate: CertificateStatus }> {
  const now = clock()
  if (config.tls !== undefined) {
    const pair = await readKeyPair(config.tls.certFile, config.tls.keyFile, now)
    return { pair, devCaFile: undefined, certificate: { source: config.tls.certFile, notAfter: pair.notAfter, loadedAt: now, lastError: undefined } }
  }
  const dev = await devCertificates(config, now, logger)
  return { pair: dev.pair, devCaFile: dev.caFile, certificate: { source: 'dev', notAfter: dev.pair.notAfter, loadedAt: now, lastError: undefined } }
}

/**
 * A development pair in `certs/dev` of the package, or, where the package cannot be written (an
 * image run as it is: read-only, another user), in the temporary directory. Neither: a message
 * that says what a cluster needs instead.
 */
async function devCertificates (config: Config, now: Date, logger: Logger): Promise<DevCertificates> {
  try {
    return await ensureDevCertificates(config.devCertDir, config.dnsNames, now)
  } catch (error) {
    if (!isNotWritable(error)) throw error
  }
  logger.warn({ dir: config.devCertFallbackDir, readOnly: config.devCertDir },
    'no --cert/--key: serving a development certificate from the temporary directory; in a cluster pass --cert and --key (the chart mounts them: certificates.provider openshift, certManager or selfSigned)')
  try {
    return await ensureDevCertificates(config.devCertFallbackDir, config.dnsNames, now)
  } catch (error) {
    if (!isNotWritable(error)) throw error
    throw new CertificateError(`no --cert/--key given, and no place to write a development certificate (${config.devCertDir} and ${config.devCertFallbackDir} are read-only): pass --cert and --key, e.g. from a kubernetes.io/tls Secret (the Helm chart does, with certificates.provider openshift, certManager or selfSigned)`)
  }
}

function isNotWritable (error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'EACCES' || code === 'EROFS' || code === 'EPERM'
}

function secureContext (pair: KeyPair): SecureContextOptions {
  return { cert: pair.cert, key: pair.key, minVersion: MIN_TLS_VERSION }
}
