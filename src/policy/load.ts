import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CompiledPolicy } from '../engine/policy.ts'
import { PolicyDirError, PolicyInvalidError } from '../errors.ts'
import { compilePolicy, type CompileOptions } from './compile.ts'
import { formatProblem, parseSource, type SourceDocument } from './parse.ts'

const POLICY_FILE = /\.(ya?ml|json)$/i

/**
 * Reads every policy file directly in `dir` (not its subfolders, so `examples/` is never
 * loaded; not the `..data` entries of a mounted ConfigMap), in name order, and compiles them.
 */
export async function loadPolicyDir (dir: string, options: CompileOptions = {}): Promise<CompiledPolicy> {
  return compilePolicy(await readPolicyDocuments(dir), options)
}

/** The documents of every policy file directly in `dir`, parsed; syntax errors throw NG_ERR_POLICY_INVALID. */
export async function readPolicyDocuments (dir: string): Promise<SourceDocument[]> {
  const documents: SourceDocument[] = []
  const syntax: string[] = []
  for (const file of await policyFiles(dir)) {
    const path = join(dir, file)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      throw new PolicyDirError(path, (error as Error).message)
    }
    const parsed = parseSource(path, text)
    documents.push(...parsed.documents)
    syntax.push(...parsed.problems.map(formatProblem))
  }
  if (syntax.length > 0) throw new PolicyInvalidError(syntax.join('\n'))
  return documents
}

async function policyFiles (dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true })
    return entries
      .filter((entry) => !entry.name.startsWith('.') && POLICY_FILE.test(entry.name) && (entry.isFile() || entry.isSymbolicLink()))
      .map((entry) => entry.name)
      .sort()
  } catch (error) {
    throw new PolicyDirError(dir, (error as Error).message)
  }
}
