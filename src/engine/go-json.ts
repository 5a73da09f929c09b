// JSON as Go's encoding/json reads it into a struct, for the JSON that a Go component decodes
// out of a string field (a NetworkAttachmentDefinition's spec.config, Multus's networks
// annotation). JSON.parse keeps `"type"` and `"Type"` as two keys; Go gives both to the field
// `type` and keeps the last. Judging what JSON.parse sees would judge a plugin that never runs.
//
// What this mirrors (encoding/json, Go 1.21 and later):
// - an object key matches a struct field by its exact name, else case-insensitively, with Go's
//   folding (ASCII letters, and `ſ`, `K`, `ı`, `İ` fold onto `s`, `k`, `i`, `i`);
// - the last key that maps to a field wins; a nested struct or map decodes into the value an
//   earlier key left (fields merge), a slice decodes element by element into the earlier one;
// - `null` clears a pointer, slice, map or interface and leaves any other field as it was;
// - a value of the wrong JSON type fails the whole decode (the plugin then fails): it comes
//   back as a problem, never an exception, and the value is kept as written so that the rules
//   reading that field still say what is wrong with it;
// - invalid UTF-16 escapes become U+FFFD; numbers keep their text, so `50.0` is no int.
//
// libcni also decodes each plugin into map[string]interface{} and marshals it again before the
// plugin reads it, which deduplicates exact keys and sorts them by their bytes: `canonicalJson`
// gives that second view. Callers judge both when they differ.

/** A parsed JSON value that keeps what JSON.parse loses: key order, duplicate keys, number text. */
export type RawJson =
  | { readonly kind: 'object', readonly entries: readonly (readonly [string, RawJson])[] }
  | { readonly kind: 'array', readonly items: readonly RawJson[] }
  | { readonly kind: 'string', readonly value: string }
  | { readonly kind: 'number', readonly text: string }
  | { readonly kind: 'bool', readonly value: boolean }
  | { readonly kind: 'null' }

/** Deeper nesting is refused rather than risk the stack (Go stops at 10,000). */
const MAX_DEPTH = 500

/** Parses JSON text strictly (RFC 8259, as Go and JSON.parse do); a reason, never an exception. */
export function parseRawJson (text: string): { readonly value: RawJson } | { readonly error: string } {
  const parser = new Parser(text)
  try {
    parser.skipSpace()
    const value = parser.value(0)
    parser.skipSpace()
    if (parser.offset < text.length) parser.fail('unexpected text after the JSON value')
    return { value }
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { error: error.message }
    throw error
  }
}

class JsonSyntaxError extends Error {}

class Parser {
  offset = 0
  readonly text: string

  constructor (text: string) {
    this.text = text
  }

  fail (reason: string): never {
    throw new JsonSyntaxError(`${reason} at offset ${this.offset}`)
  }

  skipSpace (): void {
    while (this.offset < this.text.length && ' \t\n\r'.includes(this.text[this.offset] as string)) this.offset++
  }

  value (depth: number): RawJson {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`)
    const char = this.text[this.offset]
    if (char === '{') return this.object(depth)
    if (char === '[') return this.array(depth)
    if (char === '"') return { kind: 'string', value: this.string() }
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return { kind: 'number', text: this.number() }
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.offset)) {
        this.offset += word.length
        return value
      }
    }
    return this.fail(char === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(char)}`)
  }

  object (depth: number): RawJson {
    this.offset++
    const entries: [string, RawJson][] = []
    this.skipSpace()
    if (this.text[this.offset] === '}') {
      this.offset++
      return { kind: 'object', entries }
    }
    for (;;) {
      this.skipSpace()
      if (this.text[this.offset] !== '"') this.fail('expected a string key')
      const key = this.string()
      this.skipSpace()
      if (this.text[this.offset] !== ':') this.fail('expected ":" after a key')
      this.offset++
      this.skipSpace()
      entries.push([key, this.value(depth + 1)])
      this.skipSpace()
      const next = this.text[this.offset++]
      if (next === '}') return { kind: 'object', entries }
      if (next !== ',') this.fail('expected "," or "}" in an object')
    }
  }

  array (depth: number): RawJson {
    this.offset++
    const items: RawJson[] = []
    this.skipSpace()
    if (this.text[this.offset] === ']') {
      this.offset++
      return { kind: 'array', items }
    }
    for (;;) {
      this.skipSpace()
      items.push(this.value(depth + 1))
      this.skipSpace()
      const next = this.text[this.offset++]
      if (next === ']') return { kind: 'array', items }
      if (next !== ',') this.fail('expected "," or "]" in a list')
    }
  }

  number (): string {
    const match = NUMBER.exec(this.text.slice(this.offset, this.offset + 400))
    if (match === null) this.fail('malformed number')
    this.offset += match[0].length
    return match[0]
  }

  string (): string {
    this.offset++
    let out = ''
    for (;;) {
      const char = this.text[this.offset]
      if (char === undefined) this.fail('unterminated string')
      this.offset++
      if (char === '"') return wellFormed(out)
      if (char < ' ') this.fail('control character in a string')
      if (char !== '\\') {
        out += char
        continue
      }
      const escape = this.text[this.offset++]
      const simple = escape === undefined ? undefined : ESCAPES[escape]
      if (simple !== undefined) {
        out += simple
      } else if (escape === 'u') {
        const hex = this.text.slice(this.offset, this.offset + 4)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('malformed \\u escape')
        out += String.fromCharCode(parseInt(hex, 16))
        this.offset += 4
      } else {
        this.fail('malformed escape')
      }
    }
  }
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/
const LITERALS: readonly (readonly [string, RawJson])[] = [
  ['true', { kind: 'bool', value: true }],
  ['false', { kind: 'bool', value: false }],
  ['null', { kind: 'null' }]
]
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

/** Go decodes a lone surrogate (`"\ud800"`) as U+FFFD; JavaScript would keep it. */
function wellFormed (text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
}

/**
 * Go's key folding (encoding/json foldName): ASCII letters to upper case, any other character
 * to upper(lower(c)) by its simple case mapping. Two keys that fold alike name the same field.
 */
export function foldKey (key: string): string {
  let out = ''
  for (const char of key) {
    const code = char.codePointAt(0) as number
    if (code < 0x80) out += char >= 'a' && char <= 'z' ? char.toUpperCase() : char
    else out += simpleUpper(simpleLower(char))
  }
  return out
}

// JavaScript's case mappings are the full ones; where they give more than one character the
// simple mapping is the character itself, except U+0130, whose simple lower case is `i`.
function simpleLower (char: string): string {
  if (char === '\u0130') return 'i'
  const lower = char.toLowerCase()
  return [...lower].length === 1 ? lower : char
}

function simpleUpper (char: string): string {
  const upper = char.toUpperCase()
  return [...upper].length === 1 ? upper : char
}

/**
 * What libcni hands a plugin: the object decoded into map[string]interface{} (exact duplicate
 * keys: the last one stays) and marshalled again (keys sorted by their UTF-8 bytes, numbers
 * as float64 prints them), at every level.
 */
export function canonicalJson (value: RawJson): RawJson {
  switch (value.kind) {
    case 'object': {
      const last = new Map<string, RawJson>()
      for (const [key, entry] of value.entries) {
        last.delete(key)
        last.set(key, canonicalJson(entry))
      }
      const entries = [...last].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      return { kind: 'object', entries }
    }
    case 'array': return { kind: 'array', items: value.items.map(canonicalJson) }
    case 'number': {
      const number = Number(value.text)
      // Out of float64's range: Go's map decode fails, so nothing runs; keep the text to report it.
      return Number.isFinite(number) ? { kind: 'number', text: String(number) } : value
    }
    default: return value
  }
}

/** The Go type a value decodes into, as far as netguard reads it. */
export type GoType =
  | { readonly kind: 'struct', readonly fields: ReadonlyMap<string, GoField> }
  | { readonly kind: 'map', readonly value: GoType }
  | { readonly kind: 'slice', readonly item: GoType }
  | { readonly kind: 'string' | 'int' | 'float' | 'bool' | 'any' }

/** A struct field: its type, and whether it is a pointer (null clears it). */
export interface GoField {
  /** The name as the struct's json tag spells it. */
  readonly name: string
  readonly type: GoType
  readonly pointer: boolean
}

export const GO_STRING: GoType = { kind: 'string' }
export const GO_INT: GoType = { kind: 'int' }
export const GO_FLOAT: GoType = { kind: 'float' }
export const GO_BOOL: GoType = { kind: 'bool' }
/** interface{}: any JSON, decoded as is (objects as maps with exact keys). */
export const GO_ANY: GoType = { kind: 'any' }

export const goSlice = (item: GoType): GoType => ({ kind: 'slice', item })
export const goMap = (value: GoType): GoType => ({ kind: 'map', value })

/** A field written `*T` in Go: `null` clears it. Slices, maps and interfaces are cleared anyway. */
export interface Pointer { readonly pointer: GoType }
export const goPointer = (type: GoType): Pointer => ({ pointer: type })

/**
 * A struct type from its json field names. Names that fold alike (`vlanId`, `vlanID`) are one
 * field to Go when they come from different plugins' structs: the first name keys the value.
 */
export function goStruct (fields: Readonly<Record<string, GoType | Pointer>>): GoType {
  const byFold = new Map<string, GoField>()
  for (const [name, spec] of Object.entries(fields)) {
    const fold = foldKey(name)
    if (byFold.has(fold)) continue
    const field = 'pointer' in spec ? { name, type: spec.pointer, pointer: true } : { name, type: spec, pointer: false }
    byFold.set(fold, field)
  }
  return { kind: 'struct', fields: byFold }
}

/** Something in embedded JSON that the consumer would read differently, or not at all. */
export interface GoJsonProblem {
  /** Field path, e.g. `spec.config.plugins[0].Master`. */
  readonly path: string
  readonly message: string
  /** `type`: the consumer fails on it. `spelling` and `duplicate`: readers may disagree. */
  readonly reason: 'type' | 'spelling' | 'duplicate'
}

/** JavaScript object with no prototype: keys such as `__proto__` are plain keys. */
export type GoValue = unknown

/**
 * Decodes `value` into `type` as Go does, into objects without a prototype. Struct fields come
 * back under the struct's own spelling; keys the type does not name are kept under the first
 * spelling seen (some other consumer's struct may read them). What Go would refuse or read
 * differently from JSON.parse is pushed onto `problems`.
 */
export function decodeGo (value: RawJson, type: GoType, path: string, problems: GoJsonProblem[]): GoValue {
  return decodeInto(value, type, undefined, path, problems)
}

function decodeInto (value: RawJson, type: GoType, existing: unknown, path: string, problems: GoJsonProblem[]): unknown {
  if (value.kind === 'null') return type.kind === 'slice' || type.kind === 'map' || type.kind === 'any' ? undefined : existing
  switch (type.kind) {
    case 'struct': return value.kind === 'object' ? decodeStruct(value.entries, type.fields, existing, path, problems) : mismatch(value, 'an object', path, problems)
    case 'map': return value.kind === 'object' ? decodeMap(value.entries, type.value, existing, path, problems) : mismatch(value, 'an object', path, problems)
    case 'slice': {
      if (value.kind !== 'array') return mismatch(value, 'a list', path, problems)
      const before = Array.isArray(existing) ? existing : []
      return value.items.map((item, index) => decodeInto(item, type.item, before[index], `${path}[${index}]`, problems))
    }
    case 'string': return value.kind === 'string' ? value.value : mismatch(value, 'a string', path, problems)
    case 'bool': return value.kind === 'bool' ? value.value : mismatch(value, 'true or false', path, problems)
    case 'int': return value.kind === 'number' && isInt64(value.text) ? Number(value.text) : mismatch(value, 'an integer', path, problems)
    case 'float': {
      const number = value.kind === 'number' ? Number(value.text) : undefined
      return number !== undefined && Number.isFinite(number) ? number : mismatch(value, 'a number', path, problems)
    }
    case 'any': return decodeAny(value, path, problems)
  }
}

function decodeStruct (
  entries: readonly (readonly [string, RawJson])[],
  fields: ReadonlyMap<string, GoField>,
  existing: unknown,
  path: string,
  problems: GoJsonProblem[]
): Record<string, unknown> {
  const out = copyOf(existing)
  const seen = new Map<string, string>()
  for (const [key, value] of entries) {
    const fold = foldKey(key)
    const field = fields.get(fold)
    const keyPath = `${path}.${key}`
    const earlier = seen.get(fold)
    if (earlier === key) {
      problems.push({ path: keyPath, message: `${keyPath} is written twice`, reason: 'duplicate' })
    } else if (earlier !== undefined) {
      problems.push({
        path: keyPath,
        message: `${keyPath} and ${path}.${earlier} are the same field to Go, and Go readers disagree on which one wins`,
        reason: 'duplicate'
      })
    }
    seen.set(fold, key)
    if (field === undefined) {
      // A field of some other struct: Go would fold it onto that struct's field, so one key per fold.
      const name = [...Object.keys(out)].find((name) => foldKey(name) === fold) ?? key
      out[name] = decodeAny(value, keyPath, problems)
      continue
    }
    if (key !== field.name && !isOtherSpelling(key, field)) {
      problems.push({ path: keyPath, message: `${keyPath} is read as ${path}.${field.name} by Go; write ${field.name}`, reason: 'spelling' })
    }
    if (value.kind === 'null' && field.pointer) delete out[field.name]
    else out[field.name] = decodeInto(value, field.type, out[field.name], keyPath, problems)
    if (out[field.name] === undefined) delete out[field.name]
  }
  return out
}

// Spellings other plugins' structs use for a field Go folds together (OVN-Kubernetes `vlanID`).
const OTHER_SPELLINGS: ReadonlyMap<string, readonly string[]> = new Map([['vlanId', ['vlanID']]])

function isOtherSpelling (key: string, field: GoField): boolean {
  return OTHER_SPELLINGS.get(field.name)?.includes(key) === true
}

function decodeMap (
  entries: readonly (readonly [string, RawJson])[],
  valueType: GoType,
  existing: unknown,
  path: string,
  problems: GoJsonProblem[]
): Record<string, unknown> {
  const out = copyOf(existing)
  const seen = new Set<string>()
  for (const [key, value] of entries) {
    const keyPath = `${path}[${JSON.stringify(key)}]`
    if (seen.has(key)) problems.push({ path: keyPath, message: `${keyPath} is written twice`, reason: 'duplicate' })
    seen.add(key)
    // Map elements are replaced, not merged.
    const decoded = decodeInto(value, valueType, undefined, keyPath, problems)
    if (decoded === undefined) delete out[key]
    else out[key] = decoded
  }
  return out
}

function decodeAny (value: RawJson, path: string, problems: GoJsonProblem[]): unknown {
  switch (value.kind) {
    case 'object': return decodeMap(value.entries, GO_ANY, undefined, path, problems)
    case 'array': return value.items.map((item, index) => decodeAny(item, `${path}[${index}]`, problems))
    case 'string': return value.value
    case 'bool': return value.value
    case 'null': return null
    case 'number': {
      const number = Number(value.text)
      if (Number.isFinite(number)) return number
      problems.push({ path, message: `${path} ${value.text} is out of range for a number`, reason: 'type' })
      return undefined
    }
  }
}

/** Go's int is 64 bits and takes no fraction or exponent (`50.0` and `5e1` are errors). */
function isInt64 (text: string): boolean {
  if (!/^-?\d+$/.test(text)) return false
  const value = BigInt(text)
  return value >= -(2n ** 63n) && value < 2n ** 63n
}

function copyOf (existing: unknown): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>
  if (typeof existing === 'object' && existing !== null && !Array.isArray(existing)) Object.assign(out, existing)
  return out
}

function mismatch (value: RawJson, expected: string, path: string, problems: GoJsonProblem[]): unknown {
  problems.push({ path, message: `${path} is ${describeRaw(value)}; expected ${expected}`, reason: 'type' })
  return decodeAny(value, path, [])
}

const KIND_NAMES: Readonly<Record<RawJson['kind'], string>> = {
  object: 'an object', array: 'a list', string: 'a string', number: 'a number', bool: 'true or false', null: 'null'
}

function describeRaw (value: RawJson): string {
  if (value.kind === 'number') return `the number ${value.text.length > 20 ? `${value.text.slice(0, 20)}...` : value.text}`
  return KIND_NAMES[value.kind]
}
