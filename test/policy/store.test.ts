import t from 'tap'
import type { Test } from 'tap'
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { PolicyStore } from '../../src/policy/store.ts'

const header = 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nspec:\n'
const nodePortAction = (action: string) => `${header}  rules:\n    SVC-NODEPORT: { action: ${action} }\n`
const actionOf = (store: PolicyStore) => store.current.validations.get('Service')?.find((entry) => entry.rule.id === 'SVC-NODEPORT')?.action

async function policyDir (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'netguard-store-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

t.test('reload swaps in a good policy and keeps the last good one on a bad change', async (t) => {
  const dir = await policyDir(t)
  await writeFile(join(dir, 'policy.yaml'), nodePortAction('deny'))
  const store = await PolicyStore.open(dir, pino({ level: 'silent' }))
  t.equal(actionOf(store), 'deny')

  await writeFile(join(dir, 'policy.yaml'), nodePortAction('warn'))
  t.equal(await store.reload(), true)
  t.equal(actionOf(store), 'warn')
  t.equal(store.status.lastError, undefined)

  await writeFile(join(dir, 'policy.yaml'), nodePortAction('block'))
  t.equal(await store.reload(), false)
  t.equal(actionOf(store), 'warn', 'last good policy stays in force')
  t.match(store.status, { lastError: /policy\.yaml:5: spec\.rules\.SVC-NODEPORT\.action: expected one of/, failedReloads: 1, reloads: 1 })

  await writeFile(join(dir, 'policy.yaml'), nodePortAction('audit'))
  t.equal(await store.reload(), true)
  t.equal(store.status.lastError, undefined, 'a good change clears the error')
})

t.test('an invalid policy at start-up is an error naming the file', async (t) => {
  const dir = await policyDir(t)
  await writeFile(join(dir, 'policy.yaml'), nodePortAction('block'))
  await t.rejects(PolicyStore.open(dir, pino({ level: 'silent' })), { code: 'NG_ERR_POLICY_INVALID', message: /policy\.yaml:5:/ })
})

t.test('only files directly in the folder load: not examples/, not hidden ConfigMap entries', async (t) => {
  const dir = await policyDir(t)
  await writeFile(join(dir, 'policy.yaml'), nodePortAction('deny'))
  await mkdir(join(dir, 'examples'))
  await writeFile(join(dir, 'examples', 'broken.yaml'), 'not: [valid')
  await mkdir(join(dir, '..2026_11_26'))
  await writeFile(join(dir, '..2026_11_26', 'policy.yaml'), nodePortAction('block'))
  await writeFile(join(dir, 'README.md'), '# not a policy')
  const store = await PolicyStore.open(dir, pino({ level: 'silent' }))
  t.same(store.current.sources, [join(dir, 'policy.yaml')])
})

t.test('a ConfigMap-style update (the ..data link swapped) is picked up by the watcher', async (t) => {
  const dir = await policyDir(t)
  await mkdir(join(dir, '..v1'))
  await writeFile(join(dir, '..v1', 'policy.yaml'), nodePortAction('deny'))
  await symlink('..v1', join(dir, '..data'))
  await symlink('..data/policy.yaml', join(dir, 'policy.yaml'))
  const store = await PolicyStore.open(dir, pino({ level: 'silent' }), { debounceMs: 20 })
  t.teardown(() => store.close())
  store.watch()
  const changed = new Promise((resolve) => store.onChange(resolve))

  await mkdir(join(dir, '..v2'))
  await writeFile(join(dir, '..v2', 'policy.yaml'), nodePortAction('warn'))
  await symlink('..v2', join(dir, '..data_tmp'))
  await rename(join(dir, '..data_tmp'), join(dir, '..data'))
  await changed
  t.equal(actionOf(store), 'warn')
})
