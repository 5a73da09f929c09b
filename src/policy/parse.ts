import { isNode, LineCounter, parseAllDocuments, type Document } from 'yaml'

/** One YAML document of a policy file, with a way to find the line of any field in it. */
export interface SourceDocument {
  readonly file: string
  /** Zero-based index among the file's non-empty documents. */
  readonly index: number
  readonly value: unknown
  /** The line (1-based) of the deepest existing node along `path`. */
  lineOf (path: readonly (string | number)[]): number
}

export interface SourceProblem {
  readonly file: string
  readonly line: number
  /** Dotted field path, e.g. `spec.rules.SVC-NODEPORT.action`; empty for the whole document. */
  readonly field: string
  readonly message: string
}

/** Parses a YAML or JSON file's text into documents; syntax errors come back as problems. */
export function parseSource (file: string, text: string): { documents: SourceDocument[], problems: SourceProblem[] } {
  const lineCounter = new LineCounter()
  const documents: SourceDocument[] = []
  const problems: SourceProblem[] = []
  for (const doc of parseAllDocuments(text, { lineCounter, uniqueKeys: true })) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        problems.push({ file, line: error.linePos?.[0].line ?? 1, field: '', message: error.message.split('\n')[0] ?? error.message })
      }
      continue
    }
    if (doc.contents === null) continue
    documents.push({
      file,
      index: documents.length,
      value: doc.toJS({ maxAliasCount: 100 }),
      lineOf: (path) => lineOf(doc, lineCounter, path)
    })
  }
  return { documents, problems }
}

function lineOf (doc: Document, lineCounter: LineCounter, path: readonly (string | number)[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)
    if (isNode(node) && node.range !== undefined && node.range !== null) return lineCounter.linePos(node.range[0]).line
  }
  return 1
}

/** `['spec', 'rules', 'X', 0]` → `spec.rules.X[0]`. */
export function formatPath (path: readonly (string | number)[]): string {
  return path.reduce<string>((text, segment) =>
    typeof segment === 'number' ? `${text}[${segment}]` : text === '' ? segment : `${text}.${segment}`, '')
}

export function formatProblem (problem: SourceProblem): string {
  const where = problem.field === '' ? '' : `${problem.field}: `
  return `${problem.file}:${problem.line}: ${where}${problem.message}`
}
