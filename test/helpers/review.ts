import { readFileSync } from 'node:fs'
import { Writable } from 'node:stream'
import type { Logger } from 'pino'
import type { PolicySource } from '../../src/admission/app.ts'
import type { CompiledPolicy } from '../../src/engine/policy.ts'
import type { Operation } from '../../src/engine/types.ts'
import { createLogger } from '../../src/log.ts'
import { parseApiVersion, type KubeObject } from '../../src/kube/types.ts'

const EXAMPLES = new URL('../../examples/reviews/', import.meta.url)

/** One of the ready AdmissionReview files in examples/reviews/, parsed. */
export function exampleReview (name: string): AdmissionReviewBody {
  return JSON.parse(readFileSync(new URL(`${name}.json`, EXAMPLES), 'utf8')) as AdmissionReviewBody
}

export interface AdmissionReviewBody {
  apiVersion: string
  kind: string
  request: Record<string, unknown> & { uid: string, object?: KubeObject | null, oldObject?: KubeObject | null }
}

export interface ReviewOptions {
  readonly uid?: string
  readonly operation?: Operation
  readonly namespace?: string
  readonly oldObject?: KubeObject
  readonly dryRun?: boolean
  readonly username?: string
  readonly groups?: readonly string[]
  readonly subResource?: string
}

let counter = 0

/** An AdmissionReview as the API server would send it for `object`. */
export function reviewOf (object: KubeObject, options: ReviewOptions = {}): AdmissionReviewBody {
  const operation = options.operation ?? 'CREATE'
  const { group, version } = parseApiVersion(object.apiVersion)
  const namespace = options.namespace ?? object.metadata?.namespace
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: options.uid ?? `uid-${++counter}`,
      kind: { group, version, kind: object.kind },
      resource: { group, version, resource: `${(object.kind ?? '').toLowerCase()}s` },
      ...(options.subResource === undefined ? {} : { subResource: options.subResource }),
      name: object.metadata?.name,
      ...(namespace === undefined ? {} : { namespace }),
      operation,
      userInfo: { username: options.username ?? 'alice', groups: options.groups ?? ['system:authenticated'] },
      object: operation === 'DELETE' ? null : object,
      oldObject: options.oldObject ?? (operation === 'DELETE' ? object : null),
      dryRun: options.dryRun ?? false
    }
  }
}

export function service (spec: Record<string, unknown>, namespace = 'shop'): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace }, spec }
}

export function namespaceObject (name: string, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels === undefined ? {} : { labels }) } }
}

/** A fixed policy as the app's policy source (no store, no reloads). */
export function fixedPolicies (policy: CompiledPolicy): PolicySource {
  return { current: policy, status: { sources: policy.sources, loadedAt: new Date(0), lastError: undefined, reloads: 0, failedReloads: 0 } }
}

/** The real logger (same redaction), writing to lines the test can read. */
export function capturedLogger (level: 'info' | 'trace' = 'info'): { logger: Logger, text: () => string, records: () => Record<string, unknown>[] } {
  const lines: string[] = []
  const sink = new Writable({
    write (chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    }
  })
  const logger = createLogger({ level, destination: sink })
  const text = (): string => lines.join('')
  return { logger, text, records: () => text().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>) }
}
