import { setImmediate as nextTurn } from 'node:timers/promises'
import { parseReviewJson } from './review.ts'

// A large AdmissionReview is mostly `request.object` and `request.oldObject`. JSON.parse cannot
// be interrupted, and on a body of 7 MiB it holds the event loop for about 100 ms; parsed as
// three pieces in three turns (the rest, the object, the old object), no turn holds it for
// more than half of that, and /healthz and small reviews are answered in between.

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

/** The fields parsed in turns of their own, in this order. */
const SPLIT_FIELDS = ['object', 'oldObject'] as const

interface Member { readonly key: string, readonly start: number, readonly end: number }

/**
 * Parses a review body like parseReviewJson (same result, same errors), giving the event loop
 * back between the pieces. Anything the piece-finder does not read plainly (escaped or
 * repeated keys, a syntax error) is parsed whole, so JSON.parse stays the one judge of syntax.
 */
export async function parseReviewInTurns (text: string): Promise<unknown> {
  const split = splitReview(text)
  if (split === undefined) return parseReviewJson(text)
  const review = parseReviewJson(split.skeleton) as { request: Record<string, unknown> }
  for (const [field, piece] of split.pieces) {
    await nextTurn()
    review.request[field] = parseReviewJson(piece)
  }
  return review
}

/** The body with `request.object` and `request.oldObject` replaced by null, and their texts; undefined to parse it whole. */
export function splitReview (text: string): { skeleton: string, pieces: [string, string][] } | undefined {
  const top = members(text, skipSpace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0))
  const request = top === undefined ? undefined : only(top.members, 'request')
  if (request === undefined || request === null || text.charCodeAt(request.start) !== OPEN_OBJECT) return undefined
  const inner = members(text, request.start)
  if (inner === undefined) return undefined
  const spans: Member[] = []
  for (const field of SPLIT_FIELDS) {
    const member = only(inner.members, field)
    if (member === null) return undefined
    if (member !== undefined) spans.push(member)
  }
  if (spans.length === 0) return undefined
  spans.sort((a, b) => a.start - b.start)
  let skeleton = ''
  let at = 0
  for (const span of spans) {
    skeleton += `${text.slice(at, span.start)}null`
    at = span.end
  }
  skeleton += text.slice(at)
  return { skeleton, pieces: SPLIT_FIELDS.flatMap((field) => spans.filter((span) => span.key === field).map((span): [string, string] => [field, text.slice(span.start, span.end)])) }
}

/** The member named `key`: undefined when absent, null when it cannot be told plainly (repeated, or keys written with escapes). */
function only (list: readonly Member[], key: string): Member | undefined | null {
  if (list.some((member) => member.key.includes('\\'))) return null
  const found = list.filter((member) => member.key === key)
  if (found.length > 1) return null
  return found[0]
}

/** The members of the object that starts at `at`: raw keys and value spans. Undefined when it is not read plainly. */
function members (text: string, at: number): { members: Member[], end: number } | undefined {
  if (text.charCodeAt(at) !== OPEN_OBJECT) return undefined
  const found: Member[] = []
  let index = skipSpace(text, at + 1)
  if (text.charCodeAt(index) === CLOSE_OBJECT) return { members: found, end: index + 1 }
  for (;;) {
    if (text.charCodeAt(index) !== QUOTE) return undefined
    const keyEnd = skipString(text, index)
    if (keyEnd < 0) return undefined
    const key = text.slice(index + 1, keyEnd - 1)
    index = skipSpace(text, keyEnd)
    if (text.charCodeAt(index) !== COLON) return undefined
    const start = skipSpace(text, index + 1)
    const end = skipValue(text, start)
    if (end < 0) return undefined
    found.push({ key, start, end })
    index = skipSpace(text, end)
    const next = text.charCodeAt(index)
    if (next === CLOSE_OBJECT) return { members: found, end: index + 1 }
    if (next !== COMMA) return undefined
    index = skipSpace(text, index + 1)
  }
}

/** The index just past the value at `at`, or -1. Containers are skipped by their brackets, strings by their quotes. */
function skipValue (text: string, at: number): number {
  const first = text.charCodeAt(at)
  if (first === QUOTE) return skipString(text, at)
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
    let index = at
    while (index < text.length && /[^,}\]\s]/.test(text[index] ?? '')) index++
    return index > at ? index : -1
  }
  let depth = 0
  for (let index = at; index < text.length; index++) {
    const char = text.charCodeAt(index)
    if (char === QUOTE) {
      const end = skipString(text, index)
      if (end < 0) return -1
      index = end - 1
    } else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
      depth++
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
      depth--
      if (depth === 0) return index + 1
    }
  }
  return -1
}

/** The index just past the string whose opening quote is at `at`, or -1. */
function skipString (text: string, at: number): number {
  let from = at + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    if (quote < 0) return -1
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return quote + 1
    from = quote + 1
  }
}

function skipSpace (text: string, at: number): number {
  let index = at
  while (index < text.length && (text.charCodeAt(index) === 0x20 || text.charCodeAt(index) === 0x0a || text.charCodeAt(index) === 0x0d || text.charCodeAt(index) === 0x09)) index++
  return index
}
