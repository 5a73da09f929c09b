import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Server } from 'node:https'
import type { FastifyInstance } from 'fastify'
import type { CompiledPolicy } from '../engine/policy.ts'
import type { Mode } from '../engine/types.ts'
import type { PolicyStatus } from '../policy/store.ts'
import type { CertificateStatus } from '../tls/key-pair.ts'

/** The policy in force and how it got there: a PolicyStore, or a fixed policy in tests. */
export interface PolicySource {
  readonly current: CompiledPolicy
  readonly status: PolicyStatus
}

/** Typed as HTTPS: `serve` always passes TLS options (the server's setSecureContext reloads them). */
export type WebhookApp = FastifyInstance<Server, IncomingMessage, ServerResponse>

export interface HealthDeps {
  readonly policies: PolicySource
  readonly mode: Mode | undefined
  /** The certificate in use; undefined until one is loaded. */
  readonly certificate: () => CertificateStatus | undefined
  readonly draining: () => boolean
}

/**
 * /healthz: the process answers. /readyz: a policy and a certificate are loaded and the server is
 * not shutting down. A failed policy or certificate reload does not make a replica unready: the
 * last good one is in force, and every replica sees the same bad files, so failing readiness
 * would empty the webhook Service at once. It is reported in the body instead.
 */
export function registerHealth (app: WebhookApp, deps: HealthDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const policy = deps.policies.status
    const certificate = deps.certificate()
    const draining = deps.draining()
    const ready = certificate !== undefined && !draining
    reply.code(ready ? 200 : 503)
    return {
      status: ready ? 'ready' : draining ? 'shutting down' : 'not ready',
      mode: deps.mode ?? deps.policies.current.mode,
      modeOverridden: deps.mode !== undefined,
      policy: {
        sources: policy.sources,
        loadedAt: policy.loadedAt.toISOString(),
        reloads: policy.reloads,
        failedReloads: policy.failedReloads,
        lastError: policy.lastError ?? null
      },
      certificate: certificate === undefined
        ? null
        : {
            source: certificate.source,
            notAfter: certificate.notAfter.toISOString(),
            loadedAt: certificate.loadedAt.toISOString(),
            lastError: certificate.lastError ?? null
          }
    }
  })
}
