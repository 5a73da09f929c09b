import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { fastify, LogController, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { registerMetricsRoute, type Metrics } from './metrics.ts'

export type MetricsApp = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>

/**
 * The optional plain-HTTP metrics port (`--metrics-port`): GET /metrics and nothing else, so
 * that a Prometheus which does not trust the webhook's certificate (OpenShift's user-workload
 * monitoring, scraping by pod IP) can read it, and nothing that admits or reports health is
 * reachable without TLS. It never listens by itself.
 */
export function buildMetricsApp (metrics: Metrics, logger: Logger): MetricsApp {
  const app = fastify({
    loggerInstance: logger.child({ module: 'metrics' }),
    logController: new LogController({ disableRequestLogging: true }),
    // A scrape carries no body.
    bodyLimit: 1024,
    // Prometheus reuses its connection; shorter than the webhook's, as nothing depends on it.
    keepAliveTimeout: 65_000,
    requestTimeout: 10_000
  })
  registerMetricsRoute(app, metrics)
  return app
}
