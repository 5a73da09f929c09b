// Writes schemas/kinds.json, the fields of every kind `netguard check` knows, so that it can name
// a field the API server does not know (SCHEMA-UNKNOWN-FIELD): `npm run schemas`.
//
// Built-in kinds come from @kubernetes/client-node, the models the webhook already depends on
// (generated from the Kubernetes OpenAPI document of its release). The CLI does not read them at
// run time: importing the client costs over a second per run. The kubernetes-models packages
// ship compiled validators that accept unknown fields, and their current major needs Node 22.
// Route, NetworkAttachmentDefinition, EgressFirewall, EgressIP and the other OpenShift, Multus
// and OVN-Kubernetes kinds come from the CRDs under test/fixtures/crds (every .yaml below it).
// Only field names and their nesting are kept: nothing of the upstream text is copied.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { fileURLToPath } from 'node:url'

export const SCHEMA_FILE = fileURLToPath(new URL('../schemas/kinds.json', import.meta.url))
const CRD_DIR = fileURLToPath(new URL('../test/fixtures/crds/', import.meta.url))

/**
 * A field's type: '' for anything without known fields (a scalar, a free-form map, int-or-string),
 * `T` for an object of type T, `T[]` for a list of them, `{T}` for a map of them.
 */
type FieldType = string
export interface KindSchemas {
  readonly generatedBy: string
  readonly sources: readonly string[]
  /** `apiVersion/kind` (`v1/Service`, `apps/v1/Deployment`) → its type. */
  readonly kinds: Readonly<Record<string, string>>
  /** type → field name → field type. */
  readonly types: Readonly<Record<string, Readonly<Record<string, FieldType>>>>
}

interface Attribute { readonly baseName: string, readonly type: string }
type Model = { getAttributeTypeMap?: () => readonly Attribute[] }

export async function buildSchemas (): Promise<KindSchemas> {
  const client = await import('@kubernetes/client-node') as unknown as Record<string, Model>
  const require = createRequire(import.meta.url)
  const clientDir = dirname(dirname(require.resolve('@kubernetes/client-node')))
  const clientVersion = (JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8')) as { version: string }).version
  const types: Record<string, Record<string, FieldType>> = {}
  const kinds: Record<string, string> = {}

  const attributes = (name: string): readonly Attribute[] | undefined => client[name]?.getAttributeTypeMap?.()
  const addModel = (name: string): void => {
    if (types[name] !== undefined) return
    const fields: Record<string, FieldType> = {}
    types[name] = fields
    for (const { baseName, type } of attributes(name) ?? []) {
      const field = modelFieldType(type, (inner) => attributes(inner) !== undefined)
      fields[baseName] = field
      const inner = field.replace(/^\{|\}$|\[\]$/g, '')
      if (inner !== '') addModel(inner)
    }
  }
  for (const { apiVersion, model } of builtinKinds(join(clientDir, 'dist', 'gen', 'apis'), (name) => attributes(name))) {
    const kind = model.replace(/^([A-Z][a-z]+)*V\d+((alpha|beta)\d+)?/, '')
    kinds[`${apiVersion}/${kind}`] = model
    addModel(model)
  }
  for (const crd of crds(CRD_DIR)) addCrd(crd, kinds, types)
  const sortKeys = <T>(record: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))
  return {
    generatedBy: 'npm run schemas (scripts/schemas.ts)',
    sources: [`@kubernetes/client-node ${clientVersion}`, 'test/fixtures/crds'],
    kinds: sortKeys(kinds),
    types: sortKeys(types)
  }
}

/** client-node's model type names: `V1ServiceSpec`, `Array<V1ServicePort>`, `{ [key: string]: V1Foo; }`, `string`. */
function modelFieldType (type: string, isModel: (name: string) => boolean): FieldType {
  const list = /^Array<(\w+)>$/.exec(type)
  if (list?.[1] !== undefined) return isModel(list[1]) ? `${list[1]}[]` : ''
  const map = /^\{ \[key: string\]: (\w+); \}$/.exec(type)
  if (map?.[1] !== undefined) return isModel(map[1]) ? `{${map[1]}}` : ''
  return isModel(type) ? type : ''
}

/**
 * Each kind the API serves with its model, read from the generated API classes: the create call
 * of a collection (`/apis/apps/v1/namespaces/{namespace}/deployments`) names the body's model.
 */
function builtinKinds (apisDir: string, attributes: (name: string) => readonly Attribute[] | undefined): { apiVersion: string, model: string }[] {
  const found = new Map<string, { apiVersion: string, model: string }>()
  const call = /localVarPath = '(\/apis?\/[^']*)'[\s\S]*?ObjectSerializer\.serialize\(body, "(\w+)"/g
  for (const file of readdirSync(apisDir).filter((name) => name.endsWith('Api.js')).sort()) {
    const text = readFileSync(join(apisDir, file), 'utf8')
    for (const [, path = '', model = ''] of text.matchAll(call)) {
      if (path.includes('{name}') || path.includes('{group}')) continue
      const isObject = attributes(model)?.some((attribute) => attribute.baseName === 'metadata' && attribute.type === 'V1ObjectMeta') === true
      if (!isObject) continue
      const parts = path.split('/')
      const apiVersion = path.startsWith('/api/') ? parts[2] ?? '' : `${parts[2] ?? ''}/${parts[3] ?? ''}`
      found.set(`${apiVersion}/${model}`, { apiVersion, model })
    }
  }
  return [...found.values()]
}

interface JsonSchema {
  readonly type?: string
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly items?: JsonSchema
  readonly additionalProperties?: JsonSchema | boolean
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean
}
interface Crd {
  readonly spec: {
    readonly group: string
    readonly names: { readonly kind: string }
    readonly versions: readonly { readonly name: string, readonly schema?: { readonly openAPIV3Schema?: JsonSchema } }[]
  }
}

function crds (dir: string): Crd[] {
  const found: Crd[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }).sort((a, b) => join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)))) {
    if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue
    for (const doc of parseAllDocuments(readFileSync(join(entry.parentPath, entry.name), 'utf8'))) {
      const value = doc.toJS() as { kind?: string } | null
      if (value?.kind === 'CustomResourceDefinition') found.push(value as unknown as Crd)
    }
  }
  return found
}

/** A CRD's structural schema as named types: the kind's own, then one per nested object (`...Route.spec.tls`). */
function addCrd (crd: Crd, kinds: Record<string, string>, types: Record<string, Record<string, FieldType>>): void {
  const { group, names, versions } = crd.spec
  for (const version of versions) {
    const root = version.schema?.openAPIV3Schema
    if (root === undefined) continue
    const name = `${group}/${version.name}/${names.kind}`
    kinds[name] = name
    const typeOf = (schema: JsonSchema | undefined, typeName: string): FieldType => {
      // Every custom resource has the API server's ObjectMeta, whatever its schema says of metadata.
      if (typeName === `${name}.metadata`) return 'V1ObjectMeta'
      if (schema === undefined || schema['x-kubernetes-preserve-unknown-fields'] === true) return ''
      if (schema.items !== undefined) {
        const item = typeOf(schema.items, typeName)
        return item === '' ? '' : `${item}[]`
      }
      if (typeof schema.additionalProperties === 'object') {
        const value = typeOf(schema.additionalProperties, typeName)
        return value === '' ? '' : `{${value}}`
      }
      if (schema.properties === undefined) return ''
      const fields: Record<string, FieldType> = {}
      types[typeName] = fields
      for (const [field, property] of Object.entries(schema.properties)) fields[field] = typeOf(property, `${typeName}.${field}`)
      return typeName
    }
    const fields = types[typeOf(root, name)]
    if (fields !== undefined) fields.metadata = 'V1ObjectMeta'
  }
}

/** JSON with one kind and one type per line, so that a regenerated file diffs by kind and type. */
export function formatSchemas (schemas: KindSchemas): string {
  const block = (record: Readonly<Record<string, unknown>>): string =>
    `{\n${Object.entries(record).map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(',\n')}\n  }`
  return `{\n  "generatedBy": ${JSON.stringify(schemas.generatedBy)},\n  "sources": ${JSON.stringify(schemas.sources)},\n` +
    `  "kinds": ${block(schemas.kinds)},\n  "types": ${block(schemas.types)}\n}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, formatSchemas(await buildSchemas()))
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`)
}
