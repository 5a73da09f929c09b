import { readdir, readFile, realpath, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Node } from 'yaml'
import { parseApiVersion, type KubeObject } from '../kube/types.ts'

/** Where an object was read from. `document` counts non-empty documents from 1. */
export interface ManifestSource {
  readonly file: string
  readonly document: number
  /** Index in `items` when the object came from a `kind: List` (or `ServiceList`, ...). */
  readonly item?: number
  /** 1-based line of the object, when known (not for `.json` files, which are parsed as JSON). */
  readonly line?: number
}

/** A place in a file, both 1-based. */
export interface Position {
  readonly line: number
  readonly column: number
}

export interface Manifest {
  readonly object: KubeObject
  readonly source: ManifestSource
  /**
   * Where a field of the object is written: the deepest node along `steps` that the source holds
   * (a field a rule found missing points at its parent), else the object's own first line.
   */
  position (steps: readonly (string | number)[]): Position
}

/** A document that is not a Kubernetes object (Helm values, a Kustomization, a template): left out, with why. */
export interface SkippedInput {
  readonly file: string
  readonly document?: number
  readonly line?: number
  readonly reason: string
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
  readonly skipped: SkippedInput[]
  readonly problems: ManifestProblem[]
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i
/** Bounds YAML alias expansion, so a "billion laughs" document fails instead of exhausting memory. */
const MAX_ALIAS_COUNT = 100

/**
 * Files that look like Kubernetes objects but are read by a client, never sent to the API server.
 * A repository keeps them beside its manifests; they are skipped with the reason.
 */
const CLIENT_SIDE_GROUPS: Readonly<Record<string, string>> = {
  'kustomize.config.k8s.io': 'a kustomize file, read by kustomize: check what `kustomize build` renders',
  'config.kubernetes.io': 'a KRM function configuration, read by a client, not by the API server',
  'cli.kyverno.io': 'a kyverno CLI file (test or values), not a cluster object',
  'test.gatekeeper.sh': 'a gator test suite, not a cluster object'
}
/**
 * A template's `{{`, where YAML would read it as syntax: at the start of a line or unquoted as a
 * value or list item. Inside a string (a PrometheusRule's `"{{ $labels.pod }} is down"`) it is text.
 */
const TEMPLATE_MARKER = /(^|:[ \t]+|-[ \t]+)\{\{/m
const TEMPLATE_REASON = 'a template ({{ }}), not a manifest: check what it renders (helm template, kustomize build)'
/** netguard's own test suites (`netguard test`) live beside the manifests they test. */
export const TEST_SUITE = { apiVersion: 'netguard.io/v1alpha1', kind: 'Test' } as const

/**
 * Reads manifests from files and directories in a stable order: the paths in the order given,
 * each directory walked depth-first in name order (hidden entries skipped, `.yaml`, `.yml` and
 * `.json` files only). `-` reads standard input. Problems are collected, never thrown, so that
 * one run reports every unreadable input.
 */
export async function readManifests (paths: readonly string[], readStdin: () => Promise<string>, cache: FileCache = new Map()): Promise<ManifestSet> {
  const set: ManifestSet = { manifests: [], skipped: [], problems: [] }
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
  set.skipped.push(...more.skipped)
  set.problems.push(...more.problems)
}

/**
 * Parses the YAML (or JSON) text of one file into objects; pure. Empty documents are skipped and
 * not counted. Duplicate keys are an error, as the API server's strict decoding makes them one.
 * A template (`{{ }}`, Helm's or another), or a file named explicitly that is neither YAML nor
 * JSON (a README), is skipped with the reason; any other file that does not parse is a problem.
 */
export function parseManifests (file: string, text: string): ManifestSet {
  const set: ManifestSet = { manifests: [], skipped: [], problems: [] }
  const lineCounter = new LineCounter()
  const positionOf = (node: unknown): Position | undefined => nodePosition(node, lineCounter)
  let document = 0
  if (TEMPLATE_MARKER.test(text)) return { ...set, skipped: [{ file, reason: TEMPLATE_REASON }] }
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, merge: true })
  if (documents.some((doc) => doc.errors.length > 0) && file !== '(stdin)' && !MANIFEST_FILE.test(file)) {
    return { ...set, skipped: [{ file, reason: 'neither YAML nor JSON' }] }
  }
  for (const doc of documents) {
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
    const root = doc.contents
    const items = isMap(root) ? root.get('items', true) : undefined
    addDocument(set, file, document, value, {
      line: positionOf(root)?.line,
      locate: (steps) => locate(root, steps, lineCounter),
      locateItem: (index, steps) => isSeq(items) ? locate(items.items[index], steps, lineCounter) : undefined
    })
  }
  return set
}

/** `.json` files: one JSON value (an object or a List), parsed natively for speed on large exports. */
export function parseJsonManifests (file: string, text: string): ManifestSet {
  const set: ManifestSet = { manifests: [], skipped: [], problems: [] }
  if (text.trim() === '') return set
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    set.problems.push({ file, document: 1, message: `invalid JSON: ${(error as Error).message}` })
    return set
  }
  // Positions are needed only for findings: the text is parsed again, as YAML, when one asks.
  let parsed: { root: unknown, lineCounter: LineCounter } | undefined
  const tree = (): { root: unknown, lineCounter: LineCounter } => {
    if (parsed === undefined) {
      const lineCounter = new LineCounter()
      parsed = { root: parseDocument(text, { lineCounter, uniqueKeys: false }).contents, lineCounter }
    }
    return parsed
  }
  addDocument(set, file, 1, value, {
    line: undefined,
    locate: (steps) => { const { root, lineCounter } = tree(); return locate(root, steps, lineCounter) },
    locateItem: (index, steps) => {
      const { root, lineCounter } = tree()
      const items = isMap(root) ? root.get('items', true) : undefined
      return isSeq(items) ? locate(items.items[index], steps, lineCounter) : undefined
    }
  })
  return set
}

interface DocumentPositions {
  /** The document's first line, where known without parsing again (YAML). */
  readonly line: number | undefined
  readonly locate: (steps: readonly (string | number)[]) => Position | undefined
  readonly locateItem: (index: number, steps: readonly (string | number)[]) => Position | undefined
}

function addDocument (set: ManifestSet, file: string, document: number, value: unknown, positions: DocumentPositions): void {
  const { line } = positions
  const at = { file, document, ...(line === undefined ? {} : { line }) }
  const skip = skipReason(value)
  if (skip !== undefined) {
    set.skipped.push({ ...at, reason: skip })
    return
  }
  const problem = objectProblem(value)
  if (problem !== undefined) {
    set.problems.push({ ...at, message: problem })
    return
  }
  const object = value as KubeObject & { items?: unknown }
  const fallback = { line: line ?? 1, column: 1 }
  if (!isList(object)) {
    set.manifests.push({ object, source: at, position: (steps) => positions.locate(steps) ?? fallback })
    return
  }
  if (!Array.isArray(object.items)) {
    set.problems.push({ ...at, message: `${object.kind ?? ''} has no items list` })
    return
  }
  for (const [item, entry] of object.items.entries()) {
    const entryLine = line === undefined ? undefined : positions.locateItem(item, [])?.line
    const source = { file, document, item, ...(entryLine === undefined ? {} : { line: entryLine }) }
    const entryProblem = typeof entry === 'object' && entry !== null && !Array.isArray(entry)
      ? objectProblem(entry)
      : `not a Kubernetes object: expected a map with apiVersion and kind, got ${describe(entry)}`
    if (entryProblem !== undefined) set.problems.push({ ...source, message: entryProblem })
    else set.manifests.push({ object: entry as KubeObject, source, position: (steps) => positions.locateItem(item, steps) ?? positions.locate(['items', item]) ?? fallback })
  }
}

/** `kind: List`, or a typed list such as `ServiceList` as `kubectl get -o yaml` writes it. */
function isList (object: KubeObject & { items?: unknown }): boolean {
  return object.kind === 'List' || (typeof object.kind === 'string' && object.kind.endsWith('List') && 'items' in object)
}

/**
 * Why a parsed document is not a Kubernetes object at all (so it is skipped, not an error): not a
 * map, no `kind` (Helm values, Chart.yaml, other configuration), or a kind that a client reads.
 */
function skipReason (value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `not a Kubernetes object (${describe(value)})`
  const { apiVersion, kind } = value as Record<string, unknown>
  if (kind === undefined) return 'not a Kubernetes object: it has no kind (Helm values, Chart.yaml or other configuration?)'
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined
  if (apiVersion === TEST_SUITE.apiVersion && kind === TEST_SUITE.kind) return 'a netguard test suite: run it with netguard test'
  if (apiVersion === 'v1' && kind === 'Config') return 'a kubeconfig, not a cluster object'
  return CLIENT_SIDE_GROUPS[parseApiVersion(apiVersion).group]
}

/** Why an object-like document cannot be checked, or undefined when it can. */
function objectProblem (value: unknown): string | undefined {
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

/** The position of the deepest node along `steps` below `root`; undefined when root has no position. */
function locate (root: unknown, steps: readonly (string | number)[], lineCounter: LineCounter): Position | undefined {
  let node = root
  let found = nodePosition(root, lineCounter)
  for (const step of steps) {
    if (isMap(node)) {
      const pair = node.items.find((entry) => isScalar(entry.key) && String(entry.key.value) === String(step))
      if (pair === undefined) break
      found = nodePosition(pair.key, lineCounter) ?? found
      node = pair.value
    } else if (isSeq(node) && typeof step === 'number' && node.items[step] !== undefined) {
      node = node.items[step]
      found = nodePosition(node, lineCounter) ?? found
    } else {
      break
    }
  }
  return found
}

function nodePosition (node: unknown, lineCounter: LineCounter): Position | undefined {
  if (!isNodeWithRange(node)) return undefined
  const { line, col } = lineCounter.linePos(node.range[0])
  return { line, column: col }
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
