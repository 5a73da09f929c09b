import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { fastify, type FastifyError, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { registerMetricsRoute, type Metrics } from './metrics.ts'

export type MetricsApp = FastifyInstance<Server, IncomingMessage, ServerResponse>

/**
 * The optional plain-HTTP metrics port (`--metrics-port`): GET /metrics and nothing else, so
 * that a Prometheus which does not trust the webhook's certificate (OpenShift's user-workload
 * monitoring, scraping by pod IP) can read it, and nothing that admits or reports health is
 * reachable without TLS. It never listens by itself.
 */
export function buildMetricsApp (metrics: Metrics, logger: Logger): MetricsApp {
  // No logger for Fastify, as on the webhook port: netguard writes its own lines.
  const app = fastify({
    // A scrape carries no body.
    bodyLimit: 1024,
    // Prometheus reuses its connection; shorter than the webhook's, as nothing depends on it.
    keepAliveTimeout: 65_000,
    requestTimeout: 10_000
  })
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500
    if (status >= 500) logger.error({ module: 'metrics', err: { type: error.name, message: error.message } }, 'metrics request failed')
    reply.code(status).send({ message: error.message })
  })
  registerMetricsRoute(app, metrics)
  return app
}
