import type { ServerOptions } from 'node:https'
import { performance } from 'node:perf_hooks'
import { fastify, LogController, type FastifyError } from 'fastify'
import type { Logger } from 'pino'
import { REVIEW_POINTS, type ClusterView, type Mode } from '../engine/types.ts'
import { registerMetricsRoute, verdictOf, type Metrics } from '../metrics.ts'
import type { CertificateStatus } from '../tls/key-pair.ts'
import { registerHealth, type PolicySource, type WebhookApp } from './health.ts'
import { admit, AdmissionReviewResponseSchema, parseReviewJson, reviewSummary } from './review.ts'

/** The API server sends objects up to about 1.5 MiB; twice that leaves room for oldObject. */
export const BODY_LIMIT = 3 * 1024 * 1024

/**
 * The API server drops idle connections after 90 s and keeps up to 25 per webhook host; staying
 * open longer means a quiet minute never costs a new TLS handshake.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000
/** The API server gives up on a webhook after at most 30 s. */
const REQUEST_TIMEOUT_MS = 30_000
/** Headers arrive well before the API server's timeout, or not at all. */
const HEADERS_TIMEOUT_MS = 10_000

export interface AppDeps {
  readonly policies: PolicySource
  /** Overrides the policy's mode (`--mode`, NETGUARD_MODE). */
  readonly mode?: Mode
  readonly logger: Logger
  /** The time reviews are judged at (exception expiry). @default () => new Date() */
  readonly clock?: () => Date
  /** The serving certificate's state, for /readyz. @default never loaded */
  readonly certificate?: () => CertificateStatus | undefined
  /** Cluster state from the informer caches, for the rules that need it; absent without a cluster. */
  readonly cluster?: ClusterView
  /** Review counters for GET /metrics; without them the app has no /metrics route. */
  readonly metrics?: Metrics
  /** TLS options; without them the app only serves `inject` (tests). Never plaintext in `serve`. */
  readonly https?: ServerOptions
}

export type { PolicySource, WebhookApp }

/** The webhook as a Fastify app. It never listens by itself: `serve` and tests decide where. */
export function buildApp (deps: AppDeps): WebhookApp {
  const clock = deps.clock ?? (() => new Date())
  const app = fastify({
    // Node checks the header and request timeouts on this interval (default 30 s).
    https: deps.https === undefined ? null : { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 5_000, ...deps.https },
    loggerInstance: deps.logger,
    // Requests log through the root logger: the review line carries the uid, which is what ties a
    // line to the API server's audit log, and a child per request costs more than the rules do.
    childLoggerFactory: (logger) => logger,
    // One line per review from the route; Fastify's own request/response lines add nothing.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // Three timeouts bound every state of a connection: silent (headers), mid-request (request)
    // and idle (keep-alive). No socket inactivity timeout on top: it re-arms a timer on every read
    // and write, for nothing the three do not already cover.
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // While closing, reviews that still arrive on open connections are answered, not refused.
    return503OnClosing: false
  })

  let draining = false
  app.addHook('preClose', async () => { draining = true })

  // Only JSON: every other content type gets 415 from Fastify. Our own parser, so that no error
  // message ever quotes the body.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseReviewJson(body as string))
    } catch (error) {
      done(error as Error, undefined)
    }
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    const code = error.code ?? 'NG_ERR_INTERNAL'
    if (status >= 500) {
      request.log.error({ err: { type: error.name, code, message: error.message, stack: error.stack } }, 'request failed')
    } else {
      request.log.warn({ code, status, url: request.url }, 'request rejected')
    }
    const point = REVIEW_POINTS.find((candidate) => request.url === `/${candidate}`)
    if (point !== undefined) deps.metrics?.recordReview({ webhook: point, kind: undefined, operation: undefined, verdict: 'error' })
    if (draining) reply.header('connection', 'close')
    reply.code(status).send({ code, message: status >= 500 ? 'internal error; see the netguard log' : error.message })
  })
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ code: 'NG_ERR_NOT_FOUND', message: `no route ${request.method} ${request.url}` })
  })

  for (const point of REVIEW_POINTS) {
    // Not async: the answer is ready when the handler returns, so no promise to settle first.
    app.post(`/${point}`, { schema: { response: { 200: AdmissionReviewResponseSchema } } }, (request, reply) => {
      const started = performance.now()
      const outcome = admit(point, request.body, { policy: deps.policies.current, mode: deps.mode, now: clock(), cluster: deps.cluster })
      const elapsedMs = performance.now() - started
      if (deps.logger.isLevelEnabled('info')) {
        request.log.info(reviewSummary(point, outcome, elapsedMs), 'review')
      }
      const { subject } = outcome
      deps.metrics?.recordReview({
        webhook: point,
        kind: subject.kind,
        operation: subject.operation,
        verdict: verdictOf(outcome.decision),
        seconds: elapsedMs / 1000,
        violations: outcome.decision.violations,
        changes: outcome.decision.changes
      })
      // A review finishing during shutdown closes its connection instead of leaving it idle.
      if (draining) reply.header('connection', 'close')
      reply.send(outcome.response)
    })
  }

  if (deps.metrics !== undefined) registerMetricsRoute(app, deps.metrics)
  registerHealth(app, {
    policies: deps.policies,
    mode: deps.mode,
    certificate: deps.certificate ?? (() => undefined),
    draining: () => draining
  })
  return app
}
