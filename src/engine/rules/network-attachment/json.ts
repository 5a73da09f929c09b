// Readers for untrusted JSON: every field may be absent or of any type.

export type JsonObject = Readonly<Record<string, unknown>>

export function asObject (value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as JsonObject : undefined
}

export function asList (value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined
}

/** A non-empty string, or undefined. */
export function asText (value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

/** How a value looks in a message: strings quoted, everything else as JSON, long values cut. */
export function shown (value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** Why JSON.parse failed (it throws SyntaxError), without the input V8 quotes in its message. */
export function jsonErrorReason (error: unknown): string {
  return (error as SyntaxError).message.replace(/,? ".*" is not valid JSON$/s, '')
}

/** JSON text of a value with object keys sorted at every level: equal text, equal value. */
export function stableJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}
