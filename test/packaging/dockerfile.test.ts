import { readFileSync } from 'node:fs'
import t from 'tap'

// No Docker engine runs here: these tests read the Dockerfile for the facts the cluster relies on.
interface Instruction { readonly keyword: string, readonly args: string }

function instructions (text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ')
  return joined.split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/)
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') }
    })
}

const all = instructions(readFileSync('Dockerfile', 'utf8'))
const args = new Map(all.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=') as [string, string]))
const resolve = (value: string): string => value.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? '')
const lastFrom = all.map((i) => i.keyword).lastIndexOf('FROM')
const final = all.slice(lastFrom)
const finalOf = (keyword: string): string[] => final.filter((i) => i.keyword === keyword).map((i) => i.args)

t.test('every stage runs Node 22 LTS', async (t) => {
  const images = all.filter((i) => i.keyword === 'FROM').map((i) => resolve(i.args.split(/\s+/)[0] ?? ''))
  t.equal(images.length, 3, 'deps, build and runtime stages')
  for (const image of images) t.match(image, /(^node:22[.-]|nodejs22)/, image)
})

t.test('the runtime stage runs as UID 65532 in group 0 (OpenShift arbitrary UIDs share group 0)', async (t) => {
  t.same(finalOf('USER'), ['65532:0'])
})

t.test('the runtime stage exposes 8443, stops on SIGTERM and runs serve', async (t) => {
  t.same(finalOf('EXPOSE'), ['8443'])
  t.same(finalOf('STOPSIGNAL'), ['SIGTERM'])
  const command = [...JSON.parse(finalOf('ENTRYPOINT')[0] ?? '[]'), ...JSON.parse(finalOf('CMD')[0] ?? '[]')] as string[]
  t.match(command[0], /(^|\/)node$/)
  t.same(command.slice(1), ['--max-semi-space-size=8', '/app/dist/cli/main.js', 'serve'], 'V8 flags, then an absolute path: the CLI runs from any working directory (docker run -w /src)')
})

t.test('production dependencies only, built output and policies only', async (t) => {
  const deps = all.slice(0, lastFrom).filter((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))
  t.ok(deps.some((i) => i.args.includes('--omit=dev')), 'a stage installs with npm ci --omit=dev')
  t.ok(all.slice(0, lastFrom).some((i) => i.keyword === 'RUN' && i.args === 'npm run build'), 'a stage builds with npm run build')
  const copied = finalOf('COPY').map((line) => line.split(/\s+/).filter((word) => !word.startsWith('--')))
  const fromStage = new Map(finalOf('COPY').map((line, index) => [index, /--from=(\w+)/.exec(line)?.[1]]))
  t.same(copied.map(([source]) => source), ['/app/node_modules', '/app/dist', 'package.json', 'policies', 'schemas'])
  t.equal(fromStage.get(0), 'deps', 'node_modules comes from the --omit=dev stage')
  for (const line of finalOf('COPY')) t.notMatch(line, /cert|\.pem|\.key|src|test/, `no certificate, source or test: ${line}`)
})

t.test('nothing in the image is writable by its user; no development certificate reaches the build', async (t) => {
  for (const line of finalOf('COPY')) t.match(line, /--chown=0:0/, line)
  t.same(finalOf('RUN'), [], 'the runtime stage runs nothing (distroless: no shell)')
  const ignore = readFileSync('.dockerignore', 'utf8').split('\n').map((line) => line.trim())
  t.equal(ignore.find((line) => line !== '' && !line.startsWith('#')), '*', 'the context is an allow-list')
  for (const pattern of ['**/*.pem', '**/*.key', 'certs/']) t.ok(ignore.includes(pattern), `.dockerignore excludes ${pattern}`)
})
