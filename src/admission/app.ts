import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { ServerOptions } from 'node:https'
import { performance } from 'node:perf_hooks'
import { fastify, type FastifyError } from 'fastify'
import type { Logger } from 'pino'
import { REVIEW_POINTS, type ClusterView, type Mode } from '../engine/types.ts'
import { ReviewTooLargeError, ServerBusyError } from '../errors.ts'
import { registerMetricsRoute, verdictOf, type Metrics } from '../metrics.ts'
import type { CertificateStatus } from '../tls/key-pair.ts'
import { Gate } from './gate.ts'
import { registerHealth, type PolicySource, type WebhookApp } from './health.ts'
import { parseReviewInTurns } from './review-json.ts'
import { admit, AdmissionReviewResponseSchema, parseReviewJson, reviewSummary } from './review.ts'

const MiB = 1024 * 1024

/**
 * An UPDATE review carries `object` and `oldObject`, each up to the API server's 3 MiB request
 * limit, so 7 MiB (controller-runtime's limit, for the same reason) is what a webhook must read.
 */
export const BODY_LIMIT = 7 * MiB

/**
 * Bodies above this size go through the large-review gate. Ordinary reviews are a few KiB; one
 * of 7 MiB costs about 100 ms of parsing and tens of MiB of heap.
 */
export const LARGE_BODY_BYTES = 1 * MiB

/** How long a large body waits for the gate before a 429 with Retry-After, which the API server's client retries. */
const LARGE_BODY_WAIT_MS = 2_000
/** client-go waits this long before it sends the review again (within the webhook's timeoutSeconds). */
const RETRY_AFTER_SECONDS = 1

/**
 * The API server drops idle connections after 90 s and keeps up to 25 per webhook host; staying
 * open longer means a quiet minute never costs a new TLS handshake.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000
/** The API server gives up on a webhook after at most 30 s. */
const REQUEST_TIMEOUT_MS = 30_000
/** Headers arrive well before the API server's timeout, or not at all. */
const HEADERS_TIMEOUT_MS = 10_000
/** A connection that has not finished its TLS handshake by then is dropped (Node's default: 120 s). */
export const HANDSHAKE_TIMEOUT_MS = 10_000

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
  /** Largest body read, in bytes; a larger one gets a 413. @default BODY_LIMIT (7 MiB) */
  readonly bodyLimit?: number
  /** Large bodies (over LARGE_BODY_BYTES) read and reviewed at once, and how long the rest wait. @default 1 slot, 2 s */
  readonly largeReviews?: { readonly slots?: number, readonly maxWaitMs?: number }
  /** A connection that has not finished its TLS handshake by then is dropped. @default HANDSHAKE_TIMEOUT_MS (10 s) */
  readonly handshakeTimeoutMs?: number
  /**
   * True once the process is shutting down, before the listener closes: /readyz fails and every
   * response carries `Connection: close`. @default only while app.close() runs
   */
  readonly draining?: () => boolean
}

export type { PolicySource, WebhookApp }

/** The webhook as a Fastify app. It never listens by itself: `serve` and tests decide where. */
export function buildApp (deps: AppDeps): WebhookApp {
  const clock = deps.clock ?? (() => new Date())
  const bodyLimit = deps.bodyLimit ?? BODY_LIMIT
  const app = fastify({
    // Node checks the header and request timeouts on this interval (default 30 s).
    https: deps.https === undefined
      ? null
      : { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 5_000, handshakeTimeout: deps.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS, ...deps.https },
    // No logger for Fastify: the app logs through deps.logger itself, one line per review (its uid
    // ties it to the API server's audit log) and one per refused request. Given a logger, Fastify
    // makes a child logger and finish listeners for every request, to log lines we do not want:
    // about 4 % of the server's CPU per review under load.
    bodyLimit,
    // Three timeouts bound every state of a connection: silent (headers), mid-request (request)
    // and idle (keep-alive). No socket inactivity timeout on top: it re-arms a timer on every read
    // and write, for nothing the three do not already cover.
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // While closing, reviews that still arrive on open connections are answered, not refused.
    return503OnClosing: false
  })

  let closing = false
  app.addHook('preClose', async () => { closing = true })
  const draining = (): boolean => closing || (deps.draining?.() ?? false)
  // While draining, every answer closes its connection, so the API server opens its next one
  // to a replica that stays. Decided when the answer leaves: a review that arrived before the
  // signal and finishes after it closes its connection too. (The review routes write their
  // answers themselves, and check the same.)
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining()) reply.header('connection', 'close')
    done(null, payload)
  })

  // Only JSON: every other content type gets 415 from Fastify. Our own parser, so that no error
  // message ever quotes the body.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string
    // A large body is parsed in pieces, one turn of the event loop each, and reviewed in a turn
    // of its own: health probes and other connections are answered in between.
    if (text.length > LARGE_BODY_BYTES) {
      parseReviewInTurns(text).then((parsed) => setImmediate(done, null, parsed), (error: Error) => done(error, undefined))
      return
    }
    try {
      done(null, parseReviewJson(text))
    } catch (error) {
      done(error as Error, undefined)
    }
  })

  // Large bodies one at a time (by default): the others wait unread, and after a while get a
  // 429 that the API server's client retries after Retry-After. A body over the limit skips the
  // gate: Fastify refuses it without reading it.
  const largeReviews = new Gate(deps.largeReviews?.slots ?? 1)
  const largeWaitMs = deps.largeReviews?.maxWaitMs ?? LARGE_BODY_WAIT_MS
  const gateLargeBodies = (request: { headers: IncomingHttpHeaders }, reply: { raw: ServerResponse }, done: (error?: Error) => void): void => {
    // No Content-Length (chunked): large until proven otherwise.
    const length = Number(request.headers['content-length'] ?? Number.POSITIVE_INFINITY)
    if (length <= LARGE_BODY_BYTES || (length > bodyLimit && Number.isFinite(length))) {
      done()
      return
    }
    largeReviews.enter(largeWaitMs).then((release) => {
      if (release === undefined) {
        done(new ServerBusyError(RETRY_AFTER_SECONDS))
        return
      }
      reply.raw.once('finish', release).once('close', release)
      done()
    }, done)
  }

  app.setErrorHandler((thrown: FastifyError, request, reply) => {
    const error = thrown.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? new ReviewTooLargeError(Math.round(bodyLimit / MiB * 100) / 100) : thrown
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    const code = error.code ?? 'NG_ERR_INTERNAL'
    if (status >= 500) {
      deps.logger.error({ err: { type: error.name, code, message: error.message, stack: error.stack } }, 'request failed')
    } else {
      deps.logger.warn({ code, status, url: request.url }, 'request rejected')
    }
    const point = REVIEW_POINTS.find((candidate) => request.url === `/${candidate}`)
    if (point !== undefined) deps.metrics?.recordReview({ webhook: point, kind: undefined, operation: undefined, verdict: 'error' })
    if (!draining() && (status === 413 || status === 429)) {
      // Fastify closes the connection after refusing a body it did not read; closing a socket
      // with unread data makes the kernel send a reset, and the client loses the answer with it.
      // Kept open, Node reads the rest of the body and throws it away, and the connection serves on.
      reply.removeHeader('connection')
    }
    if (status === 429) reply.header('retry-after', String(RETRY_AFTER_SECONDS))
    reply.code(status).send({ code, message: status >= 500 ? 'internal error; see the netguard log' : error.message })
  })
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ code: 'NG_ERR_NOT_FOUND', message: `no route ${request.method} ${request.url}` })
  })

  for (const point of REVIEW_POINTS) {
    // Not async: the answer is ready when the handler returns, so no promise to settle first.
    app.post(`/${point}`, { onRequest: gateLargeBodies, schema: { response: { 200: AdmissionReviewResponseSchema } } }, (request, reply) => {
      const started = performance.now()
      const outcome = admit(point, request.body, { policy: deps.policies.current, mode: deps.mode, now: clock(), cluster: deps.cluster })
      const elapsedMs = performance.now() - started
      if (deps.logger.isLevelEnabled('info')) {
        deps.logger.info(reviewSummary(point, outcome, elapsedMs), 'review')
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
      // By the route's response schema, as reply.send would; written by hand because Fastify's
      // send pipeline (serializer lookup, onSend hooks, finish listeners) cost ~5 % of the
      // server's CPU per review under load, for nothing a review answer needs.
      const body = reply.serialize(outcome.response) as string
      reply.hijack()
      const headers: OutgoingHttpHeaders = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }
      if (draining()) headers.connection = 'close'
      reply.raw.writeHead(200, headers)
      reply.raw.end(body)
    })
  }

  if (deps.metrics !== undefined) registerMetricsRoute(app, deps.metrics)
  registerHealth(app, {
    policies: deps.policies,
    mode: deps.mode,
    certificate: deps.certificate ?? (() => undefined),
    draining
  })
  return app
}
