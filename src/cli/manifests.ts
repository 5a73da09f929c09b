import { readdir, readFile, realpath, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml'
import type { KubeObject } from '../kube/types.ts'

/** Where an object was read from. `document` counts non-empty documents from 1. */
export interface ManifestSource {
  readonly file: string
  readonly document: number
  /** Index in `items` when the object came from a `kind: List` (or `ServiceList`, ...). */
  readonly item?: number
  /** 1-based line of the object, when known (not for `.json` files, which are parsed as JSON). */
  readonly line?: number
}

export interface Manifest {
  readonly object: KubeObject
  readonly source: ManifestSource
}

/** Input that cannot be checked: the file, the document and what is wrong with it. */
export interface ManifestProblem {
  readonly file: string
  readonly document?: number
  readonly item?: number
  readonly line?: number
  readonly message: string
}

export interface ManifestSet {
  readonly manifests: Manifest[]
  readonly problems: ManifestProblem[]
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i
/** Bounds YAML alias expansion, so a "billion laughs" document fails instead of exhausting memory. */
const MAX_ALIAS_COUNT = 100

/**
 * Reads manifests from files and directories in a stable order: the paths in the order given,
 * each directory walked depth-first in name order (hidden entries skipped, `.yaml`, `.yml` and
 * `.json` files only). `-` reads standard input. Problems are collected, never thrown, so that
 * one run reports every unreadable input.
 */
export async function readManifests (paths: readonly string[], readStdin: () => Promise<string>, cache: FileCache = new Map()): Promise<ManifestSet> {
  const set: ManifestSet = { manifests: [], problems: [] }
  const reader = { set, visited: new Set<string>(), cache }
  for (const path of paths) {
    if (path === '-') append(set, parseManifests('(stdin)', await readStdin()))
    else await readPath(path, reader, true)
  }
  return set
}

/** Parsed files by path, so that the same files given as manifests and as cluster state are parsed once. */
export type FileCache = Map<string, ManifestSet>

interface Reader {
  readonly set: ManifestSet
  readonly visited: Set<string>
  readonly cache: FileCache
}

/** A directory is walked; a file is read when named explicitly or when it has a manifest extension. */
async function readPath (path: string, reader: Reader, explicit: boolean): Promise<void> {
  let isDirectory: boolean
  try {
    isDirectory = (await stat(path)).isDirectory()
  } catch (error) {
    reader.set.problems.push({ file: path, message: `cannot read: ${systemMessage(error)}` })
    return
  }
  if (isDirectory) await readDirectory(path, reader)
  else if (explicit || MANIFEST_FILE.test(path)) await readManifestFile(path, reader)
}

async function readDirectory (dir: string, reader: Reader): Promise<void> {
  let entries: string[]
  try {
    const real = await realpath(dir)
    if (reader.visited.has(real)) return
    reader.visited.add(real)
    entries = (await readdir(dir)).filter((name) => !name.startsWith('.')).sort()
  } catch (error) {
    reader.set.problems.push({ file: dir, message: `cannot read directory: ${systemMessage(error)}` })
    return
  }
  for (const name of entries) await readPath(join(dir, name), reader, false)
}

async function readManifestFile (path: string, { set, cache }: Reader): Promise<void> {
  let parsed = cache.get(path)
  if (parsed === undefined) {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      set.problems.push({ file: path, message: `cannot read: ${systemMessage(error)}` })
      return
    }
    parsed = /\.json$/i.test(path) ? parseJsonManifests(path, text) : parseManifests(path, text)
    cache.set(path, parsed)
  }
  append(set, parsed)
}

function append (set: ManifestSet, more: ManifestSet): void {
  set.manifests.push(...more.manifests)
  set.problems.push(...more.problems)
}

/**
 * Parses the YAML (or JSON) text of one file into objects; pure. Empty documents are skipped and
 * not counted. Duplicate keys are an error, as the API server's strict decoding makes them one.
 */
export function parseManifests (file: string, text: string): ManifestSet {
  const set: ManifestSet = { manifests: [], problems: [] }
  const lineCounter = new LineCounter()
  let document = 0
  for (const doc of parseAllDocuments(text, { lineCounter, uniqueKeys: true, merge: true })) {
    if (doc.errors.length === 0 && isEmpty(doc.contents)) continue
    document++
    const [error] = doc.errors
    if (error !== undefined) {
      const line = error.linePos?.[0].line
      set.problems.push({ file, document, ...(line === undefined ? {} : { line }), message: firstLine(error.message) })
      continue
    }
    let value: unknown
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
    } catch (caught) {
      set.problems.push({ file, document, message: firstLine((caught as Error).message) })
      continue
    }
    const lineOf = (node: unknown): number | undefined =>
      isNodeWithRange(node) ? lineCounter.linePos(node.range[0]).line : undefined
    const items = isMap(doc.contents) ? doc.contents.get('items', true) : undefined
    addDocument(set, file, document, value, lineOf(doc.contents), (index) => isSeq(items) ? lineOf(items.items[index]) : undefined)
  }
  return set
}

/** `.json` files: one JSON value (an object or a List), parsed natively for speed on large exports. */
export function parseJsonManifests (file: string, text: string): ManifestSet {
  const set: ManifestSet = { manifests: [], problems: [] }
  if (text.trim() === '') return set
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    set.problems.push({ file, document: 1, message: `invalid JSON: ${(error as Error).message}` })
    return set
  }
  addDocument(set, file, 1, value, undefined, () => undefined)
  return set
}

function addDocument (
  set: ManifestSet,
  file: string,
  document: number,
  value: unknown,
  line: number | undefined,
  itemLine: (index: number) => number | undefined
): void {
  const at = { file, document, ...(line === undefined ? {} : { line }) }
  const problem = objectProblem(value)
  if (problem !== undefined) {
    set.problems.push({ ...at, message: problem })
    return
  }
  const object = value as KubeObject & { items?: unknown }
  if (!isList(object)) {
    set.manifests.push({ object, source: at })
    return
  }
  if (!Array.isArray(object.items)) {
    set.problems.push({ ...at, message: `${object.kind ?? ''} has no items list` })
    return
  }
  for (const [item, entry] of object.items.entries()) {
    const entryLine = itemLine(item)
    const source = { file, document, item, ...(entryLine === undefined ? {} : { line: entryLine }) }
    const entryProblem = objectProblem(entry)
    if (entryProblem === undefined) set.manifests.push({ object: entry as KubeObject, source })
    else set.problems.push({ ...source, message: entryProblem })
  }
}

/** `kind: List`, or a typed list such as `ServiceList` as `kubectl get -o yaml` writes it. */
function isList (object: KubeObject & { items?: unknown }): boolean {
  return object.kind === 'List' || (typeof object.kind === 'string' && object.kind.endsWith('List') && 'items' in object)
}

/** Why a parsed value is not a Kubernetes object, or undefined when it is one. */
function objectProblem (value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `not a Kubernetes object: expected a map with apiVersion and kind, got ${describe(value)}`
  }
  const object = value as Record<string, unknown>
  if (typeof object.apiVersion !== 'string' || object.apiVersion === '') return 'not a Kubernetes object: apiVersion is missing or not a string'
  if (typeof object.kind !== 'string' || object.kind === '') return 'not a Kubernetes object: kind is missing or not a string'
  const metadata = object.metadata
  if (metadata === undefined) return undefined
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return `metadata is not a map (got ${describe(metadata)})`
  for (const field of ['name', 'namespace', 'generateName'] as const) {
    const text = (metadata as Record<string, unknown>)[field]
    if (text !== undefined && typeof text !== 'string') return `metadata.${field} is not a string (got ${describe(text)})`
  }
  return undefined
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a map'
  return typeof value === 'string' ? `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}` : `${typeof value} ${String(value)}`
}

function isEmpty (contents: unknown): boolean {
  return contents === null || contents === undefined || (typeof contents === 'object' && 'value' in contents && (contents as { value: unknown }).value === null)
}

function isNodeWithRange (node: unknown): node is Node & { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range)
}

/** The yaml library's first line, without the position that the problem's file:line already gives. */
function firstLine (message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '')
}

function systemMessage (error: unknown): string {
  const { code, message } = error as { code?: string, message?: string }
  if (code === 'ENOENT') return 'no such file or directory'
  if (code === 'EACCES') return 'permission denied'
  return message ?? String(error)
}

/** `k8s/app.yaml:12: document 2, items[3]: message` (a line is given where it is known). */
export function formatManifestProblem (problem: ManifestProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`
  const document = problem.document === undefined ? '' : ` document ${problem.document}${problem.item === undefined ? '' : `, items[${problem.item}]`}:`
  return `${where}:${document} ${problem.message}`
}
