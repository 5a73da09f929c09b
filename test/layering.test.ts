import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import t from 'tap'
import ts from 'typescript'

// The import structure, read from the source: no file imports one above its layer, and no files
// import each other in a circle. eslint.config.js says the same for engine/ and cluster/ as you type.

const ROOT = normalize(join(import.meta.dirname, '..'))

/**
 * Layers from the ground up. A file imports its own folder or lower layers only: the core knows
 * nothing of the fronts, cluster/ nothing of the reconciler, and only the composition root
 * (server.ts, with cluster-services.ts) and the commands (cli/, bench/, scripts/) tie everything.
 * The benchmarks use the tests' API-server double and object builders (test/helpers/).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['src/errors.ts', 'src/tally.ts'],
  ['src/kube/', 'src/tls/'],
  ['src/mutation/'],
  ['src/engine/'],
  ['src/policy/', 'src/config.ts'],
  ['src/log.ts', 'src/cluster/', 'src/metrics.ts'],
  ['src/reconciler/'],
  ['src/report/'],
  ['src/admission/', 'src/metrics-server.ts'],
  ['src/cluster-services.ts'],
  ['src/server.ts'],
  ['src/cli/'],
  ['test/helpers/'],
  ['bench/', 'scripts/']
]

function sourceFiles (dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : []
  })
}

/** Every relative import of every source file, type-only ones included: a circle of types is a circle. */
function importGraph (): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of ['src', 'test/helpers', 'bench', 'scripts'].flatMap(sourceFiles)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true)
    graph.set(file, importedFiles.map(({ fileName }) => fileName).filter((name) => name.startsWith('.'))
      .map((name) => relative(ROOT, join(ROOT, dirname(file), name))))
  }
  return graph
}

function placeOf (file: string): { layer: number, group: string } {
  for (const [layer, groups] of LAYERS.entries()) {
    const group = groups.find((prefix) => prefix.endsWith('/') ? file.startsWith(prefix) : file === prefix)
    if (group !== undefined) return { layer, group }
  }
  throw new Error(`${file} is in no layer: add it to LAYERS in test/layering.test.ts`)
}

/** Strongly connected components of more than one file (Tarjan), each sorted. */
function circles (graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const found: string[][] = []
  const visit = (file: string): void => {
    index.set(file, index.size)
    low.set(file, index.get(file) ?? 0)
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue
      if (!index.has(next)) {
        visit(next)
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0))
      } else if (stack.includes(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0))
      }
    }
    if (low.get(file) !== index.get(file)) return
    const component: string[] = []
    let member: string | undefined
    do {
      member = stack.pop()
      if (member !== undefined) component.push(member)
    } while (member !== file && member !== undefined)
    if (component.length > 1) found.push(component.sort())
  }
  for (const file of graph.keys()) if (!index.has(file)) visit(file)
  return found
}

const graph = importGraph()

t.test('the graph is read: every source file, and imports that resolve to source files', async (t) => {
  t.ok(graph.size > 100, `${graph.size} files`)
  const dangling = [...graph].flatMap(([file, imports]) => imports.filter((target) => !graph.has(target)).map((target) => `${file} -> ${target}`))
  t.same(dangling, [], 'every relative import names a source file')
})

t.test('no file imports a file of a higher layer, or of another folder in its own layer', async (t) => {
  const upward = [...graph].flatMap(([file, imports]) => imports.filter((target) => {
    const from = placeOf(file)
    const to = placeOf(target)
    return to.layer > from.layer || (to.layer === from.layer && to.group !== from.group)
  }).map((target) => `${file} -> ${target}`))
  t.same(upward, [])
})

t.test('no import circles between files', async (t) => {
  t.same(circles(graph), [])
})

t.test('the checks catch what they are for', async (t) => {
  t.same(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']])
  t.same(circles(new Map([['a', ['b']], ['b', []]])), [])
  t.same(placeOf('src/cluster/informer.ts'), { layer: 5, group: 'src/cluster/' })
  t.ok(placeOf('src/reconciler/controller.ts').layer > placeOf('src/cluster/caches.ts').layer, 'cluster/ may not import the reconciler')
  t.throws(() => placeOf('src/new-folder/file.ts'), /is in no layer/)
})
