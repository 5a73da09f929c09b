// Hand-built: `helm template`, for the part of Helm's language (Go text/template with the sprig and
// Helm functions) that charts/netguard uses. Why: no helm binary can be installed where the tests
// run, and npm has no maintained renderer of Helm charts. It is strict: an unknown function, a
// field of nil or a parse error throws, so a template that uses something new fails here first
// and the function gets added below.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { parse, parseAllDocuments, stringify } from 'yaml'

type Value = unknown
type Dict = Record<string, Value>

// ---- lexing: text and actions ----

interface TextToken { readonly type: 'text', readonly text: string }
interface ActionToken { readonly type: 'action', readonly source: string, readonly line: number }
type Token = TextToken | ActionToken

function lex (source: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  let trimNext = false
  while (at < source.length) {
    const open = source.indexOf('{{', at)
    let text = source.slice(at, open < 0 ? source.length : open)
    if (trimNext) text = text.replace(/^\s+/, '')
    trimNext = false
    if (open < 0) {
      tokens.push({ type: 'text', text })
      break
    }
    let start = open + 2
    if (/^-\s/.test(source.slice(start, start + 2))) {
      text = text.replace(/\s+$/, '')
      start += 1
    }
    tokens.push({ type: 'text', text })
    const close = findClose(source, start)
    let inner = source.slice(start, close)
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1)
      trimNext = true
    }
    inner = inner.trim()
    if (!inner.startsWith('/*')) tokens.push({ type: 'action', source: inner, line: source.slice(0, open).split('\n').length })
    at = close + 2
  }
  return tokens
}

function findClose (source: string, from: number): number {
  let quote: string | undefined
  for (let index = from; index < source.length; index++) {
    const char = source[index]
    if (quote !== undefined) {
      if (char === '\\' && quote === '"') index++
      else if (char === quote) quote = undefined
    } else if (char === '"' || char === '`') {
      quote = char
    } else if (source.startsWith('/*', index)) {
      index = source.indexOf('*/', index) + 1
    } else if (source.startsWith('}}', index)) {
      return index
    }
  }
  throw new Error('unclosed action')
}

// ---- parsing actions into pipelines ----

type Operand =
  | { readonly kind: 'literal', readonly value: Value }
  | { readonly kind: 'field', readonly base: 'dot' | string, readonly path: readonly string[] }
  | { readonly kind: 'call', readonly name: string }
  | { readonly kind: 'pipeline', readonly pipeline: Pipeline }
interface Pipeline {
  readonly declare?: { readonly names: readonly string[], readonly assign: boolean }
  readonly commands: readonly (readonly Operand[])[]
}

function tokenizeAction (source: string): string[] {
  const words: string[] = []
  const pattern = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|:=|[()|,=]|[^\s()|,=]+)/gy
  let match: RegExpExecArray | null
  let end = 0
  while ((match = pattern.exec(source)) !== null) {
    words.push(match[1] ?? '')
    end = pattern.lastIndex
  }
  if (source.slice(end).trim() !== '') throw new Error(`cannot read action: ${source}`)
  return words
}

function parsePipeline (words: string[]): Pipeline {
  let declare: Pipeline['declare']
  const assignAt = words.findIndex((word) => word === ':=' || word === '=')
  if (assignAt > 0 && words.slice(0, assignAt).every((word) => word.startsWith('$') || word === ',')) {
    declare = { names: words.slice(0, assignAt).filter((word) => word !== ','), assign: words[assignAt] === '=' }
    words = words.slice(assignAt + 1)
  }
  const commands: Operand[][] = [[]]
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? ''
    if (word === '|') {
      commands.push([])
      continue
    }
    let operand: Operand
    if (word === '(') {
      let depth = 1
      let end = index + 1
      for (; end < words.length && depth > 0; end++) {
        if (words[end] === '(') depth++
        if (words[end] === ')') depth--
      }
      operand = { kind: 'pipeline', pipeline: parsePipeline(words.slice(index + 1, end - 1)) }
      index = end - 1
    } else {
      operand = parseOperand(word)
    }
    commands.at(-1)?.push(operand)
  }
  return { declare, commands }
}

function parseOperand (word: string): Operand {
  if (word.startsWith('"')) return { kind: 'literal', value: JSON.parse(word) }
  if (word.startsWith('`')) return { kind: 'literal', value: word.slice(1, -1) }
  if (/^-?\d+(\.\d+)?$/.test(word)) return { kind: 'literal', value: Number(word) }
  if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' }
  if (word === 'nil') return { kind: 'literal', value: null }
  if (word === '.') return { kind: 'field', base: 'dot', path: [] }
  if (word.startsWith('.')) return { kind: 'field', base: 'dot', path: word.slice(1).split('.') }
  if (word.startsWith('$')) {
    const [name = '$', ...path] = word.split('.')
    return { kind: 'field', base: name, path }
  }
  if (/^[A-Za-z_]\w*$/.test(word)) return { kind: 'call', name: word }
  throw new Error(`cannot read operand ${word}`)
}

// ---- the tree ----

type Node =
  | { readonly type: 'text', readonly text: string }
  | { readonly type: 'print', readonly pipeline: Pipeline }
  | { readonly type: 'if' | 'with', readonly branches: readonly { readonly pipeline: Pipeline, readonly body: Node[] }[], readonly otherwise: Node[] }
  | { readonly type: 'range', readonly pipeline: Pipeline, readonly body: Node[], readonly otherwise: Node[] }

interface Parsed { readonly nodes: Node[], readonly defines: Map<string, Node[]> }

function parseTemplate (source: string, name: string): Parsed {
  const tokens = lex(source)
  const defines = new Map<string, Node[]>()
  let position = 0

  // Parses until {{end}} or {{else...}} and returns what stopped it.
  function block (): { nodes: Node[], stop: string | undefined } {
    const nodes: Node[] = []
    while (position < tokens.length) {
      const token = tokens[position++] as Token
      if (token.type === 'text') {
        if (token.text !== '') nodes.push({ type: 'text', text: token.text })
        continue
      }
      const words = tokenizeAction(token.source)
      const keyword = words[0]
      try {
        if (keyword === 'end' || keyword === 'else') return { nodes, stop: token.source }
        if (keyword === 'if' || keyword === 'with') nodes.push(conditional(keyword, words.slice(1)))
        else if (keyword === 'range') nodes.push(range(words.slice(1)))
        else if (keyword === 'define') {
          const body = block()
          defines.set(JSON.parse(words[1] ?? '""') as string, body.nodes)
        } else if (keyword === 'template' || keyword === 'block') throw new Error(`${keyword} is not supported; use include`)
        else nodes.push({ type: 'print', pipeline: parsePipeline(words) })
      } catch (error) {
        throw new Error(`${name}:${token.line}: ${(error as Error).message}`, { cause: error })
      }
    }
    return { nodes, stop: undefined }
  }

  function conditional (type: 'if' | 'with', words: string[]): Node {
    const branches: { pipeline: Pipeline, body: Node[] }[] = []
    let condition = words
    for (;;) {
      const { nodes, stop } = block()
      branches.push({ pipeline: parsePipeline(condition), body: nodes })
      if (stop === undefined) throw new Error(`unclosed ${type}`)
      if (stop === 'end') return { type, branches, otherwise: [] }
      const rest = tokenizeAction(stop).slice(1)
      if (rest[0] === type) {
        condition = rest.slice(1)
        continue
      }
      if (rest.length > 0) throw new Error(`unexpected {{${stop}}} in ${type}`)
      const tail = block()
      if (tail.stop !== 'end') throw new Error(`${type}: else must end with end`)
      return { type, branches, otherwise: tail.nodes }
    }
  }

  function range (words: string[]): Node {
    const pipeline = parsePipeline(words)
    const { nodes, stop } = block()
    let otherwise: Node[] = []
    if (stop === 'else') otherwise = block().nodes
    else if (stop !== 'end') throw new Error('unclosed range')
    return { type: 'range', pipeline, body: nodes, otherwise }
  }

  const { nodes, stop } = block()
  if (stop !== undefined) throw new Error(`${name}: unexpected {{${stop}}}`)
  return { nodes, defines }
}

// ---- values, truth and printing as Go does ----

function isDict (value: Value): value is Dict {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function truthy (value: Value): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (isDict(value) && !(value instanceof FilesApi)) return Object.keys(value).length > 0
  return true
}

function print (value: Value): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new Error(`cannot print ${JSON.stringify(value)}: use toYaml or toJson`)
}

/** Helm's toYaml: keys sorted, no trailing newline. */
function toYaml (value: Value): string {
  if (value === undefined || value === null) return 'null'
  return stringify(value, { sortMapEntries: true, aliasDuplicateObjects: false, lineWidth: 0 }).replace(/\n$/, '')
}

function indent (spaces: number, text: string): string {
  const pad = ' '.repeat(spaces)
  return text.split('\n').map((line) => pad + line).join('\n')
}

function sprintf (format: string, args: Value[]): string {
  let next = 0
  return format.replace(/%[sdvq%]/g, (verb) => {
    if (verb === '%%') return '%'
    const arg = args[next++]
    return verb === '%q' ? JSON.stringify(print(arg)) : print(arg)
  })
}

function mergeInto (target: Dict, source: Value): Dict {
  if (!isDict(source)) return target
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key]
    if (existing === undefined || existing === null) target[key] = structuredClone(value)
    else if (isDict(existing) && isDict(value)) mergeInto(existing, value)
  }
  return target
}

/** Go's (RE2) syntax as a JavaScript RegExp: leading inline flags such as `(?m)` become flags. */
function goRegExp (pattern: Value, extraFlags = ''): RegExp {
  const match = /^\(\?([ims]+)\)/.exec(String(pattern))
  return new RegExp(String(pattern).slice(match?.[0].length ?? 0), (match?.[1] ?? '') + extraFlags)
}

/** sprig's kindOf for the values templates see. */
function kindOf (value: Value): string {
  if (Array.isArray(value)) return 'slice'
  if (value === null || value === undefined) return 'invalid'
  if (typeof value === 'object') return 'map'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64'
  return typeof value === 'boolean' ? 'bool' : 'string'
}

function fakePem (type: string, seed: string): string {
  const body = createHash('sha256').update(seed).digest('base64')
  return `-----BEGIN ${type}-----\n${body}\n-----END ${type}-----\n`
}

/** Single comparisons such as `>=1.30-0` (the `-0` admits pre-releases, which are ignored here). */
function semverSatisfies (constraint: string, version: string): boolean {
  const match = /^(>=|<=|>|<|=)?\s*v?([\d.]+)(-0)?$/.exec(constraint.trim())
  if (match === null) throw new Error(`semverCompare: constraint ${constraint} is not supported`)
  const parts = (text: string): number[] => [0, 1, 2].map((index) => Number(text.replace(/^v/, '').split(/[-+]/)[0]?.split('.')[index] ?? 0))
  const [a, b] = [parts(version), parts(match[2] ?? '')]
  const order = a.map((value, index) => value - (b[index] ?? 0)).find((difference) => difference !== 0) ?? 0
  const operator = match[1] ?? '='
  return { '>=': order >= 0, '<=': order <= 0, '>': order > 0, '<': order < 0, '=': order === 0 }[operator] ?? false
}

// ---- the chart's files ----

class FilesApi {
  readonly #files: Map<string, string>
  constructor (files: Map<string, string>) { this.#files = files }
  Get (path: string): string { return this.#files.get(path) ?? '' }
  Glob (pattern: string): Dict {
    const source = pattern.split('**').map((part) => part.split('*').map((text) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('.*')
    const matcher = new RegExp(`^${source}$`)
    return Object.fromEntries([...this.#files].filter(([path]) => matcher.test(path)).sort(([a], [b]) => a.localeCompare(b)))
  }
}

/** Files of the chart as helm loads them: symlinks followed, .helmignore applied (simple patterns). */
function chartFiles (dir: string): Map<string, string> {
  const ignore = readFileSync(join(dir, '.helmignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
  const ignored = (path: string): boolean => ignore.some((pattern) => pattern.endsWith('/')
    ? `${path}/`.startsWith(pattern) || path.startsWith(pattern)
    : basename(path) === pattern || (pattern.startsWith('*') && path.endsWith(pattern.slice(1))))
  const files = new Map<string, string>()
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name)
      const chartPath = relative(dir, path)
      if (ignored(chartPath) || (statSync(path).isDirectory() && ignored(`${chartPath}/`))) continue
      if (statSync(path).isDirectory()) walk(path)
      else files.set(chartPath, readFileSync(path, 'utf8'))
    }
  }
  walk(dir)
  return files
}

// ---- execution ----

interface Scope { readonly vars: Map<string, Value>, readonly parent: Scope | undefined }

function lookupVar (scope: Scope | undefined, name: string): Scope {
  for (let at = scope; at !== undefined; at = at.parent) if (at.vars.has(name)) return at
  throw new Error(`undefined variable ${name}`)
}

export interface RenderOptions {
  readonly releaseName?: string
  readonly namespace?: string
  /** Values merged over values.yaml (maps merge, everything else replaces). */
  readonly values?: Dict
  /** The cluster's version, as `--kube-version` gives it. @default 'v1.31.0' */
  readonly kubeVersion?: string
  /** Objects `lookup` finds, by `apiVersion/kind/namespace/name`. */
  readonly cluster?: Record<string, Dict>
}

export interface Rendered {
  /** Every document of every template, parsed. */
  readonly objects: Dict[]
  /** Rendered text by template file. */
  readonly text: Map<string, string>
  find (kind: string, name?: string): Dict | undefined
}

/** Values as Helm merges them: maps key by key, anything else replaced. */
export function overlay (base: Value, over: Value): Value {
  if (!isDict(base) || !isDict(over)) return structuredClone(over)
  const result: Dict = { ...base }
  for (const [key, value] of Object.entries(over)) result[key] = overlay(base[key], value)
  return result
}

/** Renders the chart in `dir` like `helm template`, and parses the output. */
export function renderChart (dir: string, options: RenderOptions = {}): Rendered {
  const files = chartFiles(dir)
  const chart = parse(files.get('Chart.yaml') ?? '') as Dict
  const values = overlay(parse(files.get('values.yaml') ?? '') as Dict, options.values ?? {}) as Dict
  const templateFiles = [...files.keys()].filter((path) => path.startsWith('templates/')).sort()
  const parsed = new Map(templateFiles.map((path) => [path, parseTemplate(files.get(path) ?? '', path)]))
  const defines = new Map<string, Node[]>()
  for (const { defines: found } of parsed.values()) for (const [name, body] of found) defines.set(name, body)

  const root: Dict = {
    Values: values,
    Release: { Name: options.releaseName ?? 'netguard', Namespace: options.namespace ?? 'netguard', Service: 'Helm', IsInstall: true },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
    Files: new FilesApi(files),
    Template: { BasePath: 'templates' },
    Capabilities: { KubeVersion: { Version: options.kubeVersion ?? 'v1.31.0' } }
  }

  const functions: Record<string, (...args: Value[]) => Value> = {
    include: (name, data) => execute(defines.get(name as string) ?? fail(`no template ${String(name)}`), data),
    default: (fallback, value) => truthy(value) ? value : fallback,
    trunc: (length, text) => String(text).slice(0, length as number),
    trimSuffix: (suffix, text) => String(text).endsWith(suffix as string) ? String(text).slice(0, -String(suffix).length) : text,
    contains: (part, text) => String(text).includes(part as string),
    replace: (from, to, text) => String(text).split(from as string).join(to as string),
    printf: (format, ...args) => sprintf(format as string, args),
    quote: (value) => JSON.stringify(print(value)),
    nindent: (spaces, text) => `\n${indent(spaces as number, String(text))}`,
    indent: (spaces, text) => indent(spaces as number, String(text)),
    toYaml,
    toJson: (value) => JSON.stringify(value ?? null),
    fromYaml: (text) => parse(String(text)) ?? {},
    fromJson: (text) => JSON.parse(String(text)),
    list: (...items) => items,
    dict: (...pairs) => Object.fromEntries(Array.from({ length: pairs.length / 2 }, (_, index) => [String(pairs[index * 2]), pairs[index * 2 + 1]])),
    set: (target, key, value) => { (target as Dict)[key as string] = value; return target },
    hasKey: (target, key) => Object.hasOwn(target as Dict, key as string),
    index: (target, ...keys) => keys.reduce((at: Value, key) => (at as Dict | undefined)?.[key as string], target),
    merge: (target, ...sources) => sources.reduce((at: Dict, source) => mergeInto(at, source), target as Dict),
    deepCopy: (value) => structuredClone(value),
    uniq: (items) => [...new Set(items as Value[])],
    has: (needle, items) => (items as Value[]).includes(needle),
    prepend: (items, item) => [item, ...(items as Value[])],
    append: (items, item) => [...(items as Value[]), item],
    concat: (...lists) => lists.flatMap((items) => Array.isArray(items) ? items : fail(`concat of ${JSON.stringify(items)}`)),
    len: (value) => Array.isArray(value) || typeof value === 'string' ? value.length : Object.keys(value as Dict).length,
    eq: (a, ...others) => others.some((b) => a === b),
    ne: (a, b) => a !== b,
    gt: (a, b) => (a as number) > (b as number),
    and: (...args) => args.find((arg) => !truthy(arg)) ?? args.at(-1),
    or: (...args) => args.find((arg) => truthy(arg)) ?? args.at(-1),
    not: (value) => !truthy(value),
    ternary: (whenTrue, whenFalse, condition) => truthy(condition) ? whenTrue : whenFalse,
    int: (value) => Math.trunc(Number(value ?? 0)),
    base: (path) => basename(String(path)),
    toString: (value: Value) => print(value),
    semverCompare: (constraint, version) => semverSatisfies(String(constraint), String(version)),
    b64enc: (text) => Buffer.from(String(text)).toString('base64'),
    fail: (message) => fail(String(message)),
    required: (message, value) => truthy(value) ? value : fail(String(message)),
    fromJsonArray: (text) => JSON.parse(String(text)),
    kindIs: (kind, value) => kindOf(value) === kind,
    get: (target, key) => (target as Dict)[key as string] ?? '',
    join: (separator, items) => (items as Value[]).map(print).join(String(separator)),
    compact: (items) => (items as Value[]).filter(truthy),
    trimPrefix: (prefix, text) => String(text).startsWith(prefix as string) ? String(text).slice(String(prefix).length) : text,
    regexMatch: (pattern, text) => goRegExp(pattern).test(String(text)),
    regexFind: (pattern, text) => goRegExp(pattern).exec(String(text))?.[0] ?? '',
    regexSplit: (pattern, text, count) => (count as number) < 0 ? String(text).split(goRegExp(pattern, 'g')) : fail('regexSplit: only n = -1 is supported'),
    regexReplaceAll: (pattern, text, replacement) => String(text).replace(goRegExp(pattern, 'g'), (...groups: string[]) => String(replacement).replace(/\$\{?(\d+)\}?/g, (_, index: string) => groups[Number(index)] ?? '')),
    atoi: (text) => Number.parseInt(String(text), 10) || 0,
    mul: (...factors) => factors.reduce((product: number, factor) => product * Number(factor), 1),
    div: (dividend, divisor) => Math.trunc(Number(dividend) / Number(divisor)),
    lookup: (apiVersion, kind, namespace, name) => structuredClone(options.cluster?.[`${String(apiVersion)}/${String(kind)}/${String(namespace)}/${String(name)}`] ?? {}),
    genCA: (cn) => ({ Cert: fakePem('CERTIFICATE', `ca:${String(cn)}`), Key: fakePem('PRIVATE KEY', `ca-key:${String(cn)}`) }),
    genSignedCert: (cn, _ips, dns) => ({ Cert: fakePem('CERTIFICATE', `cert:${String(cn)}:${JSON.stringify(dns)}`), Key: fakePem('PRIVATE KEY', `key:${String(cn)}`) })
  }

  function fail (message: string): never {
    throw new Error(message)
  }

  function field (base: Value, path: readonly string[], args: Value[]): Value {
    let value = base
    for (const [index, key] of path.entries()) {
      if (value instanceof FilesApi && (key === 'Get' || key === 'Glob')) return value[key](args[0] as string)
      if (value === undefined || value === null) throw new Error(`nil pointer evaluating .${path.slice(0, index + 1).join('.')}`)
      if (!isDict(value)) throw new Error(`.${key} of a non-map`)
      value = value[key]
    }
    return value
  }

  function execute (nodes: readonly Node[], data: Value): string {
    const rootScope: Scope = { vars: new Map([['$', data]]), parent: undefined }
    return run(nodes, data, rootScope)
  }

  function run (nodes: readonly Node[], dot: Value, scope: Scope): string {
    let out = ''
    for (const node of nodes) {
      if (node.type === 'text') out += node.text
      else if (node.type === 'print') {
        const value = pipeline(node.pipeline, dot, scope)
        if (node.pipeline.declare === undefined) out += print(value)
      } else if (node.type === 'if' || node.type === 'with') {
        const branch = node.branches.map((candidate) => ({ candidate, value: undefined as Value })).find((entry) => {
          const inner: Scope = { vars: new Map(), parent: scope }
          entry.value = pipeline(entry.candidate.pipeline, dot, inner)
          return truthy(entry.value)
        })
        if (branch === undefined) out += run(node.otherwise, dot, { vars: new Map(), parent: scope })
        else out += run(branch.candidate.body, node.type === 'with' ? branch.value : dot, { vars: new Map(), parent: scope })
      } else if (node.type === 'range') {
        const declare = node.pipeline.declare
        const collection = pipeline({ commands: node.pipeline.commands }, dot, scope)
        const entries: [Value, Value][] = Array.isArray(collection)
          ? collection.map((item, index) => [index, item])
          : isDict(collection) ? Object.keys(collection).sort().map((key) => [key, collection[key]]) : []
        if (entries.length === 0) out += run(node.otherwise, dot, { vars: new Map(), parent: scope })
        for (const [key, item] of entries) {
          const vars = new Map<string, Value>()
          if (declare?.names.length === 1) vars.set(declare.names[0] ?? '', item)
          if (declare?.names.length === 2) {
            vars.set(declare.names[0] ?? '', key)
            vars.set(declare.names[1] ?? '', item)
          }
          out += run(node.body, item, { vars, parent: scope })
        }
      }
    }
    return out
  }

  function pipeline (pipe: Pipeline, dot: Value, scope: Scope): Value {
    let value: Value
    let piped = false
    for (const command of pipe.commands) {
      value = invoke(command, dot, scope, piped ? [value] : [])
      piped = true
    }
    if (pipe.declare !== undefined) {
      const name = pipe.declare.names[0] ?? ''
      if (pipe.declare.assign) lookupVar(scope, name).vars.set(name, value)
      else scope.vars.set(name, value)
    }
    return value
  }

  function operand (item: Operand, dot: Value, scope: Scope): Value {
    if (item.kind === 'literal') return item.value
    if (item.kind === 'pipeline') return pipeline(item.pipeline, dot, scope)
    if (item.kind === 'call') return invoke([item], dot, scope, [])
    const base = item.base === 'dot' ? dot : lookupVar(scope, item.base).vars.get(item.base)
    return field(base, item.path, [])
  }

  function invoke (command: readonly Operand[], dot: Value, scope: Scope, piped: Value[]): Value {
    const [head, ...rest] = command
    if (head === undefined) throw new Error('empty command')
    const args = (): Value[] => [...rest.map((item) => operand(item, dot, scope)), ...piped]
    if (head.kind === 'call') {
      const fn = functions[head.name]
      if (fn === undefined) throw new Error(`function ${head.name} is not known to test/helpers/helm-template.ts`)
      return fn(...args())
    }
    if (head.kind === 'field' && rest.length + piped.length > 0) {
      const base = head.base === 'dot' ? dot : lookupVar(scope, head.base).vars.get(head.base)
      return field(base, head.path, args())
    }
    if (rest.length > 0) throw new Error('a value cannot take arguments')
    return operand(head, dot, scope)
  }

  const text = new Map<string, string>()
  const objects: Dict[] = []
  for (const [path, { nodes }] of parsed) {
    if (basename(path).startsWith('_')) continue
    let output: string
    try {
      output = execute(nodes, root)
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`, { cause: error })
    }
    text.set(path, output)
    if (!path.endsWith('.yaml')) continue
    for (const document of parseAllDocuments(output)) {
      if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message ?? ''}\n${output}`)
      const object = document.toJS() as Value
      if (isDict(object)) objects.push(object)
    }
  }
  return {
    objects,
    text,
    find: (kind, name) => objects.find((object) => object.kind === kind && (name === undefined || (object.metadata as Dict | undefined)?.name === name))
  }
}
