import Value from 'typebox/value'
import type { TSchema } from 'typebox'
import { formatPath, type SourceDocument, type SourceProblem } from './parse.ts'

interface SchemaError {
  readonly keyword: string
  readonly schemaPath: string
  readonly instancePath: string
  readonly params: Record<string, unknown>
  readonly message: string
}

/**
 * Checks a document against a schema and words each failure for a person: which field, what was
 * expected, what was found. Unions report once per field rather than once per branch.
 */
export function schemaProblems (schema: TSchema, document: SourceDocument): SourceProblem[] {
  const errors = Value.Errors(schema, document.value) as unknown as SchemaError[]
  const problems = new Map<string, SourceProblem>()
  for (const error of errors) {
    const path = pointerToPath(error.instancePath)
    for (const { subPath, message } of describe(error, schema, document.value, path)) {
      const fullPath = [...path, ...subPath]
      const field = formatPath(fullPath)
      if (!problems.has(field)) problems.set(field, { file: document.file, line: document.lineOf(fullPath), field, message })
    }
  }
  return [...problems.values()]
}

function describe (error: SchemaError, schema: TSchema, root: unknown, path: readonly (string | number)[]): { subPath: string[], message: string }[] {
  const got = describeValue(valueAt(root, path))
  switch (error.keyword) {
    case 'boolean':
    case 'anyOf':
      return []
    case 'additionalProperties': {
      const extra = (error.params.additionalProperties as string[] | undefined) ?? []
      const known = Object.keys(schemaAt(schema, error.schemaPath)?.properties ?? {})
      return extra.map((name) => ({ subPath: [name], message: `unknown field; expected one of: ${known.join(', ')}` }))
    }
    case 'required': {
      const missing = (error.params.requiredProperties as string[] | undefined) ?? []
      return missing.map((name) => ({ subPath: [name], message: 'is required' }))
    }
    case 'enum':
      return [{ subPath: [], message: `expected one of ${(error.params.allowedValues as unknown[]).map(quote).join(', ')}, got ${got}` }]
    case 'const':
      return [{ subPath: [], message: `expected ${quote(error.params.allowedValue)}, got ${got}` }]
    case 'type':
      return [{ subPath: [], message: `expected ${String(error.params.type)}, got ${got}` }]
    case 'pattern': {
      const expected = schemaAt(schema, error.schemaPath)?.description
      return [{ subPath: [], message: `${expected === undefined ? error.message : `expected ${expected}`}, got ${got}` }]
    }
    default:
      return [{ subPath: [], message: `${error.message}, got ${got}` }]
  }
}

function pointerToPath (pointer: string): (string | number)[] {
  if (pointer === '') return []
  return pointer.slice(1).split('/').map((segment) => {
    const text = segment.replace(/~1/g, '/').replace(/~0/g, '~')
    return /^\d+$/.test(text) ? Number(text) : text
  })
}

interface SchemaNode { readonly properties?: Record<string, unknown>, readonly description?: string }

function schemaAt (schema: TSchema, schemaPath: string): SchemaNode | undefined {
  let node: unknown = schema
  for (const segment of pointerToPath(schemaPath.replace(/^#/, ''))) {
    node = typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[segment] : undefined
  }
  return node as SchemaNode | undefined
}

function valueAt (root: unknown, path: readonly (string | number)[]): unknown {
  let node = root
  for (const segment of path) node = typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[segment] : undefined
  return node
}

function describeValue (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a map'
  return typeof value === 'string' ? quote(value) : String(value)
}

function quote (value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}
