import { readdirSync } from 'node:fs'
import jsonpatch from 'jsonpatch'
import t, { type Test } from 'tap'
import { buildApp, type AppDeps } from '../../src/admission/app.ts'
import type { Mode } from '../../src/engine/types.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { policyWith } from '../helpers/policy.ts'
import { capturedLogger, exampleReview, fixedPolicies, namespaceObject, reviewOf, service, type AdmissionReviewBody } from '../helpers/review.ts'

interface Response {
  uid: string
  allowed: boolean
  status?: { code: number, reason: string, message: string }
  warnings?: string[]
  auditAnnotations?: Record<string, string>
  patchType?: string
  patch?: string
}

const RESPONSE_FIELDS = new Set(['uid', 'allowed', 'status', 'warnings', 'auditAnnotations', 'patchType', 'patch'])

function appWith (t: Test, options: { spec?: string, mode?: Mode, deps?: Partial<AppDeps> } = {}) {
  const log = capturedLogger()
  const app = buildApp({ policies: fixedPolicies(policyWith(options.spec)), mode: options.mode, logger: log.logger, clock: () => new Date('2026-11-26T12:00:00Z'), ...options.deps })
  t.teardown(() => app.close())
  const post = async (point: 'validate' | 'mutate', body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    await app.inject({ method: 'POST', url: `/${point}`, headers, payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) })
  const review = async (point: 'validate' | 'mutate', body: AdmissionReviewBody): Promise<Response> => {
    const reply = await post(point, body)
    t.equal(reply.statusCode, 200, 'a review is answered with HTTP 200')
    t.equal(reply.headers['content-type'], 'application/json; charset=utf-8')
    t.equal(reply.headers['content-length'], String(reply.rawPayload.length), 'the length of the answer as sent')
    const parsed = reply.json() as { apiVersion: string, kind: string, response: Response }
    t.match(parsed, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' })
    t.same(Object.keys(parsed).sort(), ['apiVersion', 'kind', 'response'], 'nothing but the AdmissionReview fields')
    t.same(Object.keys(parsed.response).filter((key) => !RESPONSE_FIELDS.has(key)), [], 'nothing the contract does not name')
    t.equal(parsed.response.uid, body.request.uid, 'uid echoed')
    return parsed.response
  }
  return { app, post, review, log }
}

const decodePatch = (response: Response): unknown[] => JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString('utf8')) as unknown[]

t.test('a denied review: 403 Forbidden naming the rule, the field and the fix', async (t) => {
  const { review } = appWith(t)
  const response = await review('validate', exampleReview('service-nodeport-denied'))
  t.equal(response.allowed, false)
  t.same(response.status, {
    code: 403,
    reason: 'Forbidden',
    message: '[SVC-NODEPORT] spec.type NodePort is not allowed in namespace shop; use a Route or a ClusterIP Service'
  })
  t.same(JSON.parse(response.auditAnnotations?.violations ?? ''), [{ rule: 'SVC-NODEPORT', action: 'deny', field: 'spec.type' }])
  t.equal(response.auditAnnotations?.mode, 'enforce')
  t.notOk('patch' in response)
})

t.test('every violated rule ID is in the deny message', async (t) => {
  const { review } = appWith(t)
  const object = service({ type: 'LoadBalancer', externalIPs: ['198.51.100.7'], ports: [{ port: 443 }] })
  const response = await review('validate', reviewOf(object))
  const denied = (JSON.parse(response.auditAnnotations?.violations ?? '[]') as { rule: string, action: string }[]).filter((v) => v.action === 'deny')
  t.ok(denied.length >= 2, 'several rules deny')
  for (const { rule } of denied) t.match(response.status?.message, `[${rule}]`)
})

t.test('an allowed review carries nothing but the verdict', async (t) => {
  const { review } = appWith(t)
  t.same(await review('validate', exampleReview('service-clusterip-allowed')), { uid: '5b1a3c2e-8f0d-4a57-9d61-2c7e0b9f4a11', allowed: true })
})

t.test('warnings are single lines and audit annotation keys have no slash', async (t) => {
  const { review } = appWith(t, { spec: 'rules: { SVC-NODEPORT: { action: warn }, SVC-EXTERNALIP: { action: warn } }' })
  const response = await review('validate', reviewOf(service({ type: 'NodePort', externalIPs: ['198.51.100.7'] }, 'sh\nop')))
  t.equal(response.allowed, true)
  t.equal(response.warnings?.length, 2)
  for (const warning of response.warnings ?? []) {
    t.notMatch(warning, /[\r\n]/)
    t.ok(warning.length <= 256)
  }
  t.match(response.warnings, [/^\[SVC-NODEPORT\] /, /^\[SVC-EXTERNALIP\] /])
  for (const key of Object.keys(response.auditAnnotations ?? {})) {
    t.notMatch(key, /\//)
    t.ok(key.length <= 63)
  }
})

t.test('audit mode: allowed, with warnings and annotations, and no patch', async (t) => {
  for (const [label, options] of [['--mode audit', { mode: 'audit' as const }], ['policy spec.mode audit', { spec: 'mode: audit' }]] as const) {
    const { review } = appWith(t, options)
    const denied = await review('validate', exampleReview('service-nodeport-denied'))
    t.equal(denied.allowed, true, label)
    t.notOk(denied.status)
    t.match(denied.warnings, [/^\[SVC-NODEPORT\] \(audit mode, would deny\) spec\.type NodePort/])
    t.equal(denied.auditAnnotations?.mode, 'audit')
    const mutated = await review('mutate', exampleReview('namespace-create-isolated'))
    t.equal(mutated.allowed, true)
    t.notOk(mutated.patch, `${label}: nothing is patched`)
    t.notOk(mutated.patchType)
    t.match(mutated.warnings, [/^\[NS-ISOLATION\] \(audit mode, would patch\)/])
  }
})

t.test('--mode enforce overrides a policy in audit mode', async (t) => {
  const { review } = appWith(t, { spec: 'mode: audit', mode: 'enforce' })
  t.equal((await review('validate', exampleReview('service-nodeport-denied'))).allowed, false)
})

t.test('dryRun gets the same verdict', async (t) => {
  const { review } = appWith(t)
  const wet = exampleReview('service-nodeport-denied')
  const dry = exampleReview('service-nodeport-denied')
  dry.request.dryRun = true
  t.same(await review('validate', dry), await review('validate', wet))
  const namespace = exampleReview('namespace-create-isolated')
  const dryNamespace = exampleReview('namespace-create-isolated')
  dryNamespace.request.dryRun = true
  t.same(await review('mutate', dryNamespace), await review('mutate', namespace))
})

t.test('kinds, operations and subresources without rules are allowed', async (t) => {
  const { review } = appWith(t)
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: { a: 'b' } }
  for (const point of ['validate', 'mutate'] as const) {
    t.same(await review(point, reviewOf(configMap, { uid: 'cm' })), { uid: 'cm', allowed: true })
    t.same(await review(point, reviewOf(service({ type: 'NodePort' }), { uid: 'status', operation: 'UPDATE', oldObject: service({}), subResource: 'status' })), { uid: 'status', allowed: true })
  }
  const route = { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'r', namespace: 'shop' }, spec: {} }
  t.equal((await review('validate', reviewOf(route, { uid: 'connect', operation: 'CONNECT' }))).allowed, true)
})

t.test('DELETE never violates a content rule and is never patched', async (t) => {
  const { review } = appWith(t)
  t.same(await review('validate', reviewOf(service({ type: 'NodePort' }), { uid: 'd1', operation: 'DELETE' })), { uid: 'd1', allowed: true })
  t.same(await review('mutate', reviewOf(namespaceObject('team-red'), { uid: 'd2', operation: 'DELETE' })), { uid: 'd2', allowed: true })
})

t.test('exempt namespaces are not reviewed', async (t) => {
  const { review } = appWith(t)
  t.equal((await review('validate', reviewOf(service({ type: 'NodePort' }, 'kube-system')))).allowed, true)
  t.notOk((await review('mutate', reviewOf(namespaceObject('openshift-monitoring')))).patch, 'a Namespace is reviewed as in itself')
  t.notOk((await review('mutate', reviewOf(namespaceObject('netguard')))).patch, 'netguard\'s own namespace')
})

t.test('the namespace patch applies to request.object with the jsonpatch library, and is idempotent', async (t) => {
  const { review } = appWith(t)
  const cases: [string, AdmissionReviewBody][] = [
    ['no labels at all', exampleReview('namespace-create-isolated')],
    ['other labels', reviewOf(namespaceObject('team-green', { team: 'green', 'kubernetes.io/metadata.name': 'team-green' }))],
    ['empty labels', reviewOf(namespaceObject('team-grey', {}))]
  ]
  for (const [label, body] of cases) {
    const response = await review('mutate', body)
    t.equal(response.patchType, 'JSONPatch', label)
    const patched = jsonpatch.apply_patch(body.request.object, decodePatch(response)) as KubeObject
    const before = body.request.object?.metadata?.labels ?? {}
    t.same(patched.metadata?.labels, { ...before, 'netguard.io/isolation': 'default-deny' }, `${label}: label added, others kept`)
    const again = await review('mutate', reviewOf(patched))
    t.notOk(again.patch, `${label}: mutating the result changes nothing`)
  }
  t.same(decodePatch(await review('mutate', exampleReview('namespace-create-isolated'))), [
    { op: 'add', path: '/metadata/labels', value: { 'netguard.io/isolation': 'default-deny' } }
  ], 'an absent metadata.labels is created whole')
  const labelled = await review('mutate', reviewOf(namespaceObject('team-blue', { team: 'blue' })))
  t.same(decodePatch(labelled), [{ op: 'add', path: '/metadata/labels/netguard.io~1isolation', value: 'default-deny' }], 'the / in the key is escaped')
})

t.test('removing the isolation label is denied on UPDATE; the mutating webhook, which runs first, puts it back', async (t) => {
  const { review } = appWith(t)
  const body = exampleReview('namespace-update-remove-label')
  const response = await review('validate', body)
  t.equal(response.allowed, false)
  t.match(response.status?.message, /^\[NS-ISOLATION-OPTOUT\] removing metadata\.labels\["netguard\.io\/isolation"\]/)
  const mutated = await review('mutate', body)
  const patched = jsonpatch.apply_patch(body.request.object, decodePatch(mutated)) as KubeObject
  t.equal(patched.metadata?.labels?.['netguard.io/isolation'], 'default-deny', 'the dropped label is back')
  t.equal((await review('validate', reviewOf(patched, { operation: 'UPDATE', oldObject: body.request.oldObject ?? undefined }))).allowed, true, 'and the update passes')
})

t.test('anything that is not an AdmissionReview v1 with request.uid is a 400 with a JSON error', async (t) => {
  const { post } = appWith(t)
  const valid = exampleReview('service-nodeport-denied')
  const cases: [string, unknown][] = [
    ['malformed JSON', '{"apiVersion": "admission.k8s.io/v1", '],
    ['a JSON array', [valid]],
    ['a JSON string', '"AdmissionReview"'],
    ['v1beta1', { ...valid, apiVersion: 'admission.k8s.io/v1beta1' }],
    ['another kind', { ...valid, kind: 'TokenReview' }],
    ['no request', { apiVersion: valid.apiVersion, kind: valid.kind }],
    ['no uid', { ...valid, request: { ...valid.request, uid: undefined } }],
    ['empty uid', { ...valid, request: { ...valid.request, uid: '' } }],
    ['no kind', { ...valid, request: { ...valid.request, kind: undefined } }],
    ['unknown operation', { ...valid, request: { ...valid.request, operation: 'PATCH' } }],
    ['CREATE without object', { ...valid, request: { ...valid.request, object: null } }],
    ['object not an object', { ...valid, request: { ...valid.request, object: 'NodePort' } }],
    ['UPDATE without oldObject', { ...valid, request: { ...valid.request, operation: 'UPDATE' } }],
    ['prototype poisoning', '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","__proto__":{"allowed":true}}}'],
    ['prototype poisoning spelled with escapes', '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","\\u005f_pr\\u006fto__":{"allowed":true}}}'],
    ['constructor poisoning', '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","constructor":{"prototype":{"allowed":true}}}}']
  ]
  for (const point of ['validate', 'mutate'] as const) {
    for (const [label, body] of cases) {
      const reply = await post(point, body)
      t.equal(reply.statusCode, 400, `${point}: ${label}`)
      t.match(reply.headers['content-type'], /^application\/json/)
      const error = reply.json() as Record<string, unknown>
      t.match(error, { code: /^NG_ERR_REVIEW_/, message: String }, label)
      t.notOk('response' in error || 'allowed' in error, 'never an allowed verdict')
    }
  }
})

t.test('escapes, a byte-order mark and "constructor" as a value are read like any other body', async (t) => {
  const { post } = appWith(t)
  const denied = exampleReview('service-nodeport-denied')
  const text = JSON.stringify(denied)
  const variants: [string, string][] = [
    ['\\u escapes', text.replace('"NodePort"', '"\\u004eodePort"')],
    ['a byte-order mark', `\uFEFF${text}`],
    ['"constructor" as a value', JSON.stringify({ ...denied, request: { ...denied.request, userInfo: { username: 'constructor' } } })]
  ]
  for (const [label, body] of variants) {
    const reply = await post('validate', body)
    t.equal(reply.statusCode, 200, label)
    t.match(reply.json(), { response: { uid: denied.request.uid, allowed: false, status: { message: /SVC-NODEPORT/ } } }, label)
  }
})

t.test('an empty body is a 400, and a body without a JSON content type a 415', async (t) => {
  const { post, app } = appWith(t)
  t.equal((await post('validate', '')).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: '/validate' })).statusCode, 400)
  const body = JSON.stringify(exampleReview('service-nodeport-denied'))
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/yaml']) {
    const reply = await post('validate', body, { 'content-type': type })
    t.equal(reply.statusCode, 415, type)
    t.match(reply.json(), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', message: String })
  }
  const noType = await app.inject({ method: 'POST', url: '/validate', payload: body, headers: { 'content-type': '' } })
  t.equal(noType.statusCode, 415, 'no content type')
  t.equal((await post('validate', body, { 'content-type': 'application/json; charset=utf-8' })).statusCode, 200, 'a charset is fine')
})

t.test('a body up to 7 MiB is read; a larger one is a 413 that says the limit; the limit can be set', async (t) => {
  const { post } = appWith(t)
  const withData = (bytes: number): AdmissionReviewBody => {
    const review = exampleReview('service-clusterip-allowed')
    review.request.object = { ...review.request.object, data: 'x'.repeat(bytes) }
    return review
  }
  const big = await post('validate', withData(7 * 1024 * 1024))
  t.equal(big.statusCode, 413)
  t.same(big.json(), { code: 'NG_ERR_REVIEW_TOO_LARGE', message: 'the body is larger than 7 MiB, the most netguard reads (serve --max-body-mib)' })
  t.equal((await post('validate', withData(7 * 1024 * 1024 - 4096))).statusCode, 200, 'just under 7 MiB is fine')

  const small = appWith(t, { deps: { bodyLimit: 1024 * 1024 } })
  t.equal((await small.post('validate', withData(1024 * 1024))).statusCode, 413)
  t.equal((await small.post('validate', withData(1000))).statusCode, 200)
})

t.test('a __proto__ or constructor.prototype key is refused as such, not as a syntax error', async (t) => {
  const { post } = appWith(t)
  for (const body of [
    '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","__proto__":{"allowed":true}}}',
    '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","object":{"constructor":{"prototype":{"allowed":true}}}}}'
  ]) {
    const reply = await post('validate', body)
    t.equal(reply.statusCode, 400)
    t.equal(reply.json().code, 'NG_ERR_REVIEW_UNSAFE_KEY')
    t.match(reply.json().message, /"__proto__" key, or a "constructor" key with a "prototype".*prototype pollution/)
  }
  t.match((await post('validate', '{"apiVersion": ')).json(), { code: 'NG_ERR_REVIEW_JSON', message: /syntax error/ })
})

t.test('a JSON syntax error never echoes the body: not in the response, not in any log line', async (t) => {
  const log = capturedLogger('trace')
  const { post } = appWith(t, { deps: { logger: log.logger } })
  const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7secretKEY'
  const body = `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","object":{"spec":{"tls":{"key":"-----BEGIN PRIVATE KEY-----\\n${secret}\\n-----END PRIVATE KEY-----"} oops }}}}`
  const reply = await post('validate', body)
  t.equal(reply.statusCode, 400)
  t.notMatch(reply.body, secret)
  t.notMatch(reply.body, 'oops')
  t.notMatch(log.text(), secret)
  t.notMatch(log.text(), 'oops')
  t.match(log.records(), [{ code: 'NG_ERR_REVIEW_JSON', status: 400, msg: 'request rejected' }])
})

t.test('one log line per review: who, what and the verdict, never the object', async (t) => {
  const { review, log } = appWith(t)
  const body = exampleReview('service-nodeport-denied')
  const object = body.request.object as KubeObject
  body.request.object = { ...object, metadata: { ...object.metadata, annotations: { note: 'object-content-marker' } } }
  await review('validate', body)
  const records = log.records()
  t.equal(records.length, 1)
  t.match(records[0], {
    msg: 'review',
    point: 'validate',
    uid: body.request.uid,
    kind: 'Service',
    namespace: 'shop',
    name: 'web-nodeport',
    operation: 'CREATE',
    verdict: 'denied',
    rules: ['SVC-NODEPORT'],
    mode: 'enforce',
    dryRun: false,
    durationMs: Number
  })
  t.notMatch(log.text(), 'object-content-marker')
  t.notMatch(log.text(), '30080')
})

t.test('a failure inside the engine is a 500 without detail, never an allowed verdict', async (t) => {
  const policies = fixedPolicies(policyWith())
  const broken = { ...policies, get current (): never { throw new Error('boom at spec.secret-value') } }
  const { post, log } = appWith(t, { deps: { policies: broken } })
  const reply = await post('validate', exampleReview('service-nodeport-denied'))
  t.equal(reply.statusCode, 500)
  t.same(reply.json(), { code: 'NG_ERR_INTERNAL', message: 'internal error; see the netguard log' })
  t.match(log.records(), [{ level: 50, msg: 'request failed' }])
})

t.test('unknown routes are a JSON 404', async (t) => {
  const { app } = appWith(t)
  const reply = await app.inject({ method: 'GET', url: '/validate' })
  t.equal(reply.statusCode, 404)
  t.match(reply.json(), { code: 'NG_ERR_NOT_FOUND' })
})

t.test('every example review is answered on both endpoints with its uid', async (t) => {
  const { review } = appWith(t)
  const names = readdirSync(new URL('../../examples/reviews/', import.meta.url)).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -5))
  t.ok(names.length >= 4)
  for (const name of names) {
    for (const point of ['validate', 'mutate'] as const) await review(point, exampleReview(name))
  }
})

t.test('a Route\'s private key never reaches the logs, even at trace level', async (t) => {
  const log = capturedLogger('trace')
  const { review } = appWith(t, { deps: { logger: log.logger } })
  const key = '-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDsecret\n-----END PRIVATE KEY-----'
  const route = { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'shop', namespace: 'shop' }, spec: { host: 'shop.apps.example.com', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge', key, certificate: 'not a certificate' } } }
  for (const body of [reviewOf(route), reviewOf(route, { operation: 'UPDATE', oldObject: route })]) {
    t.notMatch(JSON.stringify(await review('validate', body)), 'PRIVATE KEY', 'nor the response')
  }
  t.notMatch(log.text(), 'PRIVATE KEY')
  t.notMatch(log.text(), 'MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDsecret')
})
