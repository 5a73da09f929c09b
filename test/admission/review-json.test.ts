import t from 'tap'
import { parseReviewInTurns, splitReview } from '../../src/admission/review-json.ts'
import { parseReviewJson } from '../../src/admission/review.ts'
import { exampleReview } from '../helpers/review.ts'

// The piecewise parse must give what one JSON.parse gives, for every body, or parse it whole.

const base = exampleReview('service-nodeport-denied')
const withRequest = (request: Record<string, unknown>): string => JSON.stringify({ ...base, request: { ...base.request, ...request } })
const tricky = {
  metadata: { name: 'a"b', labels: { 'x\\': 'y"}', 'quote"key': '{[', brace: '}' }, annotations: { esc: '\\"\\\\"' } },
  spec: { list: [1, 'two', { three: [null, true, false, -1.5e3] }], empty: {}, none: [] }
}

t.test('the pieces, parsed in turns, give what JSON.parse gives', async (t) => {
  const bodies: [string, string][] = [
    ['an ordinary review', JSON.stringify(base)],
    ['an UPDATE with both objects', withRequest({ operation: 'UPDATE', oldObject: base.request.object })],
    ['quotes, backslashes and brackets in strings and keys', withRequest({ object: tricky, oldObject: { ...tricky, spec: [] } })],
    ['a DELETE: object null', withRequest({ operation: 'DELETE', object: null, oldObject: tricky })],
    ['oldObject before object, and whitespace everywhere', `\uFEFF { "apiVersion" : "admission.k8s.io/v1" ,\n "kind":"AdmissionReview",\t"request" : { "uid":"u" , "oldObject" : ${JSON.stringify(tricky, null, 2)} ,\n "object":\n{"a":1} , "operation":"UPDATE" } }  `],
    ['no object at all', withRequest({ object: undefined, oldObject: undefined })]
  ]
  for (const [label, text] of bodies) {
    t.same(await parseReviewInTurns(text), parseReviewJson(text), label)
  }
  t.ok(splitReview(bodies[1]?.[1] ?? '')?.pieces.length === 2, 'an UPDATE is parsed in three turns')
})

t.test('what the piece-finder cannot read plainly is parsed whole, with JSON.parse\'s verdict', async (t) => {
  const repeated = '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","object":{"a":1},"object":{"b":2}}}'
  t.equal(splitReview(repeated), undefined, 'a repeated key')
  t.same(await parseReviewInTurns(repeated), JSON.parse(repeated), 'the last one wins, as in JSON.parse')
  const escaped = '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","object":{"a":1},"obj\\u0065ct":{"b":2}}}'
  t.equal(splitReview(escaped), undefined, 'a key written with an escape')
  t.same(await parseReviewInTurns(escaped), JSON.parse(escaped))
  for (const broken of [
    withRequest({ object: tricky }).replace('"spec":{', '"spec":{{'),
    `${withRequest({ object: tricky })} trailing`,
    withRequest({ object: tricky }).slice(0, -3),
    '{"request": [1, 2]}'
  ]) {
    let whole: unknown
    try {
      whole = parseReviewJson(broken)
    } catch (error) {
      whole = error
    }
    if (whole instanceof Error) await t.rejects(parseReviewInTurns(broken), { code: (whole as { code?: string }).code }, 'the same error')
    else t.same(await parseReviewInTurns(broken), whole)
  }
  await t.rejects(parseReviewInTurns(withRequest({ object: { metadata: { name: 'x' } } }).replace('"name":"x"', '"__proto__":{"x":1}')), { code: 'NG_ERR_REVIEW_UNSAFE_KEY' }, 'a __proto__ inside a piece is refused as in a whole parse')
})

// What a turn costs follows from what it parses: JSON.parse is linear in its input. The test
// measures the input each turn gets (a timed assertion would fail on a loaded machine).
t.test('no turn parses much more than half of a large review', async (t) => {
  const labels: Record<string, string> = {}
  for (let index = 0; index < 60_000; index++) labels[`app.example.com/l${index}`] = `v${index}`
  const object = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', labels }, spec: {} }
  const text = withRequest({ operation: 'UPDATE', object, oldObject: object })
  const split = splitReview(text)
  if (split === undefined) return t.fail('a plain UPDATE is split')
  const turns = [split.skeleton, ...split.pieces.map(([, piece]) => piece)].map((part) => part.length)
  t.equal(turns.length, 3, 'the skeleton, then each object')
  t.ok(Math.max(...turns) <= text.length * 0.55, `the largest turn (${Math.max(...turns)} characters) is about half of the whole (${text.length})`)
  t.same(await parseReviewInTurns(text), JSON.parse(text), 'and the pieces give the whole')
})
