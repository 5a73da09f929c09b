import { execFile } from 'node:child_process'
import { cpSync, readdirSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'

// npm pack builds dist/ (prepack) and the tarball installs as a working `netguard` command. The
// install resolves dependencies from npm's cache first (npm ci filled it), so it stays bounded.
// It packs a copy of the project: the build starts by removing dist/, which the other test files
// running at the same time start servers from.
const COPIED = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'src', 'policies', 'schemas']
const run = promisify(execFile)
t.setTimeout(240_000)

t.test('npm pack, npm install -g into a temporary prefix, netguard check on an example', async (t) => {
  const dir = t.testdir({ pack: {}, prefix: {}, project: {} })
  const project = join(dir, 'project')
  for (const path of COPIED) cpSync(path, join(project, path), { recursive: true })
  symlinkSync(resolve('node_modules'), join(project, 'node_modules'), 'dir')
  await run('npm', ['pack', '--silent', '--pack-destination', join(dir, 'pack')], { cwd: project, timeout: 150_000 })
  const [tarball] = readdirSync(join(dir, 'pack')).filter((name) => name.endsWith('.tgz'))
  t.match(tarball, /^netguard-\d+\.\d+\.\d+.*\.tgz$/)
  const { stdout: listing } = await run('tar', ['-tzf', join(dir, 'pack', tarball ?? '')])
  for (const file of ['package/dist/cli/main.js', 'package/schemas/kinds.json', 'package/policies/00-global.yaml']) t.ok(listing.split('\n').includes(file), `the package holds ${file}`)
  t.notMatch(listing, /package\/(src|test)\//, 'no sources or tests')
  await run('npm', ['install', '-g', '--prefix', join(dir, 'prefix'), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, 'pack', tarball ?? '')], { timeout: 150_000 })
  const netguard = join(dir, 'prefix', 'bin', 'netguard')
  const { stdout: version } = await run(netguard, ['--version'])
  t.match(version, /^\d+\.\d+\.\d+/)
  const checked = await run(netguard, ['check', '-f', resolve('examples/check/k8s')]).then(() => ({ code: 0, stdout: '' }), (error: { code: number, stdout: string }) => error)
  t.equal(checked.code, 1, 'the NodePort Service is denied')
  t.match(checked.stdout, 'DENY  Service shop/web-nodeport')
  t.match(checked.stdout, '4 objects in 3 files: 1 denied, 1 with warnings, 2 allowed, 0 skipped (mode enforce)')
})
