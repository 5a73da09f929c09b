import { parse as secureParse } from 'secure-json-parse'
import Type, { type Static } from 'typebox'
import { denyMessage, type Decision } from '../engine/decide.ts'
import type { CompiledPolicy } from '../engine/policy.ts'
import { review } from '../engine/review.ts'
import { OPERATIONS, type ClusterView, type Mode, type Operation, type ReviewPoint, type Subject } from '../engine/types.ts'
import { ReviewInvalidError, ReviewJsonError, ReviewUnsafeKeyError } from '../errors.ts'
import { kindKey, type KubeObject } from '../kube/types.ts'
import { diffPatch, type PatchOperation } from '../mutation/patch.ts'

// The AdmissionReview v1 contract with the API server, shared by the webhook routes and
// `netguard review`: decode into the engine's Subject, review, encode the decision.

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1'

export interface DecodedReview {
  readonly uid: string
  readonly subject: Subject
}

/**
 * The response the contract allows, as a schema: the webhook routes serialise by it (Fastify's
 * fast-json-stringify, quicker than JSON.stringify, and nothing the contract does not name can
 * leave), and the TypeScript types below come from it.
 */
export const AdmissionReviewResponseSchema = Type.Object({
  apiVersion: Type.Literal(ADMISSION_API_VERSION),
  kind: Type.Literal('AdmissionReview'),
  response: Type.Object({
    uid: Type.String(),
    allowed: Type.Boolean(),
    status: Type.Optional(Type.Object({ code: Type.Literal(403), reason: Type.Literal('Forbidden'), message: Type.String() })),
    warnings: Type.Optional(Type.Array(Type.String())),
    auditAnnotations: Type.Optional(Type.Record(Type.String(), Type.String())),
    patchType: Type.Optional(Type.Literal('JSONPatch')),
    /** Base64 of an RFC 6902 array. */
    patch: Type.Optional(Type.String())
  })
})

export type AdmissionReviewResponse = Static<typeof AdmissionReviewResponseSchema>
export type AdmissionResponse = AdmissionReviewResponse['response']

export interface ReviewOutcome {
  readonly uid: string
  readonly subject: Subject
  readonly decision: Decision
  readonly response: AdmissionReviewResponse
}

export interface AdmitOptions {
  readonly policy: CompiledPolicy
  /** Overrides the policy's mode (`--mode`, NETGUARD_MODE). */
  readonly mode: Mode | undefined
  readonly now: Date
  /** Cluster state for the rules that compare against it (the informer caches); absent offline. */
  readonly cluster?: ClusterView
}

/**
 * Parses a request body. JSON.parse's own errors quote the input, and the input may hold a
 * Route's private key, so a syntax error is reported without any of its text. A `__proto__`
 * key, or a `constructor` key holding `prototype`, is refused and named as such.
 */
export function parseReviewJson (text: string): unknown {
  if (text.trim() === '') throw new ReviewJsonError('the body is empty')
  try {
    return mayPoison(text) ? secureParse(text, undefined, { protoAction: 'error', constructorAction: 'error' }) : JSON.parse(text)
  } catch (error) {
    // secure-json-parse reports both cases as a SyntaxError of its own wording.
    if (error instanceof SyntaxError && error.message.includes('forbidden prototype property')) {
      throw new ReviewUnsafeKeyError('a "__proto__" key, or a "constructor" key with a "prototype" in it')
    }
    throw new ReviewJsonError('syntax error')
  }
}

/**
 * Whether a body needs secure-json-parse's two regular-expression scans (and, on a hit, its walk).
 * JSON can spell a key only literally or with \u escapes, so a body with neither `__proto__`,
 * `uctor` (a part of `constructor`) nor `\u` (and no byte-order mark, which secure-json-parse
 * strips) holds no such key, and JSON.parse alone reads it the same. That is most bodies.
 * `uctor`, not `constructor`: V8 searches for a pattern from its first character, and `c` is
 * common in Kubernetes JSON while `u` is not; 0.8 µs a body instead of 1.4 µs.
 */
function mayPoison (text: string): boolean {
  return text.includes('__proto__') || text.includes('uctor') || text.includes('\\u') || text.charCodeAt(0) === 0xfeff
}

/** Reviews one decoded body: the whole path from AdmissionReview in to AdmissionReview out. */
export function admit (point: ReviewPoint, body: unknown, options: AdmitOptions): ReviewOutcome {
  const { uid, subject } = decodeReview(body, options.now, options.cluster)
  const { decision, object } = review(subject, options.policy, point, options.mode ?? options.policy.mode)
  const patch = decision.patch && subject.object !== undefined && object !== undefined ? diffPatch(subject.object, object) : []
  return { uid, subject, decision, response: encodeResponse(uid, decision, patch) }
}

export function encodeResponse (uid: string, decision: Decision, patch: readonly PatchOperation[] = []): AdmissionReviewResponse {
  const response: AdmissionResponse = { uid, allowed: decision.allowed }
  if (!decision.allowed) response.status = { code: 403, reason: 'Forbidden', message: denyMessage(decision.denials) }
  if (decision.warnings.length > 0) response.warnings = [...decision.warnings]
  if (Object.keys(decision.auditAnnotations).length > 0) response.auditAnnotations = decision.auditAnnotations
  if (patch.length > 0) {
    response.patchType = 'JSONPatch'
    response.patch = Buffer.from(JSON.stringify(patch)).toString('base64')
  }
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response }
}

/** The fields of the one log line per review: who, what, the verdict and the rules, never the object. */
export function reviewSummary (point: ReviewPoint, outcome: ReviewOutcome, durationMs: number): Record<string, unknown> {
  const { uid, subject, decision } = outcome
  return {
    point,
    uid,
    kind: kindKey(subject.kind),
    namespace: subject.namespace,
    name: subject.name,
    operation: subject.operation,
    verdict: decision.allowed ? 'allowed' : 'denied',
    rules: [...new Set([...decision.violations, ...decision.changes].map((found) => found.ruleId))],
    ...adminDetails(decision),
    mode: decision.mode,
    dryRun: subject.dryRun,
    patched: outcome.response.response.patch !== undefined,
    durationMs: Math.round(durationMs * 1000) / 1000
  }
}

/** What the deny message keeps from the requester (Finding.detail), for the admin's log line. */
function adminDetails (decision: Decision): { details?: { rule: string, field: string, detail: string }[] } {
  const details = decision.violations.flatMap(({ ruleId, path, detail }) => detail === undefined ? [] : [{ rule: ruleId, field: path, detail }])
  return details.length > 0 ? { details } : {}
}

/**
 * Checks the shape the contract promises and builds the subject. Anything missing that
 * a verdict depends on is an error: netguard never allows a request it could not read.
 */
export function decodeReview (body: unknown, now: Date, cluster?: ClusterView): DecodedReview {
  if (!isRecord(body)) return invalid('the body is not a JSON object')
  if (body.apiVersion !== ADMISSION_API_VERSION) return invalid(`apiVersion must be ${ADMISSION_API_VERSION}`)
  if (body.kind !== 'AdmissionReview') return invalid('kind must be AdmissionReview')
  const request = body.request
  if (!isRecord(request)) return invalid('request is missing')
  const uid = request.uid
  if (typeof uid !== 'string' || uid === '') return invalid('request.uid is missing')
  const kind = request.kind
  if (!isRecord(kind) || !isText(kind.kind) || !(kind.group === undefined || typeof kind.group === 'string')) {
    return invalid('request.kind must have a kind and a group')
  }
  const operation = request.operation
  if (!OPERATIONS.includes(operation as Operation)) return invalid(`request.operation must be one of ${OPERATIONS.join(', ')}`)
  const object = objectField(request, 'object')
  const oldObject = objectField(request, 'oldObject')
  if ((operation === 'CREATE' || operation === 'UPDATE') && object === undefined) return invalid(`request.object is required for ${String(operation)}`)
  if ((operation === 'UPDATE' || operation === 'DELETE') && oldObject === undefined) return invalid(`request.oldObject is required for ${String(operation)}`)
  const group = kind.group ?? ''
  const name = isText(request.name) ? request.name : (object ?? oldObject)?.metadata?.name
  const isNamespace = group === '' && kind.kind === 'Namespace'
  const userInfo = isRecord(request.userInfo) ? request.userInfo : {}
  return {
    uid,
    subject: {
      operation: operation as Operation,
      kind: { group, kind: kind.kind },
      // A Namespace is reviewed as if in itself, so namespace exemptions and exceptions apply to it.
      namespace: isText(request.namespace) ? request.namespace : isNamespace ? name : undefined,
      name,
      user: {
        username: typeof userInfo.username === 'string' ? userInfo.username : '',
        groups: Array.isArray(userInfo.groups) ? userInfo.groups.filter((group) => typeof group === 'string') : []
      },
      object,
      oldObject,
      subResource: isText(request.subResource) ? request.subResource : undefined,
      dryRun: request.dryRun === true,
      now,
      cluster
    }
  }
}

function objectField (request: Record<string, unknown>, field: 'object' | 'oldObject'): KubeObject | undefined {
  const value = request[field]
  if (value === undefined || value === null) return undefined
  if (!isRecord(value)) return invalid(`request.${field} must be an object`)
  return value as KubeObject
}

function invalid (reason: string): never {
  throw new ReviewInvalidError(reason)
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isText (value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}
