import t from 'tap'
import { fileURLToPath } from 'node:url'
import { loadPolicyDir } from '../../src/policy/load.ts'

const fixtures = fileURLToPath(new URL('../fixtures/policies/', import.meta.url))
const bundled = fileURLToPath(new URL('../../policies/', import.meta.url))

async function problems (dir: string): Promise<string[]> {
  const error = await loadPolicyDir(fixtures + dir).then(() => undefined, (error: unknown) => error as { code: string, message: string })
  if (error === undefined) throw new Error(`${dir} loaded`)
  if (error.code !== 'NG_ERR_POLICY_INVALID') throw new Error(`unexpected ${error.code}`)
  return error.message.split('\n').slice(1).map((line) => line.replaceAll(fixtures, ''))
}

t.test('the bundled policies load', async (t) => {
  const policy = await loadPolicyDir(bundled)
  t.equal(policy.mode, 'enforce')
  t.ok(policy.sources.length >= 3)
  t.ok(policy.validations.get('Service')?.some((entry) => entry.rule.id === 'SVC-NODEPORT'))
})

t.test('each configured rule knows its policy document: metadata.name, else the file name; a rule left at its defaults, none', async (t) => {
  const dir = t.testdir({
    'edge.yaml': 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nmetadata: { name: edge-team }\nspec:\n  rules:\n    SVC-NODEPORT: { action: warn }\n',
    'routes.yml': 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nspec:\n  rules:\n    ROUTE-TLS: { action: deny }\n'
  })
  const policy = await loadPolicyDir(dir)
  const configured = (kind: string, id: string) => [...policy.validations.get(kind) ?? []].find((entry) => entry.rule.id === id)
  t.equal(configured('Service', 'SVC-NODEPORT')?.policy, 'edge-team')
  t.equal(configured('Route.route.openshift.io', 'ROUTE-TLS')?.policy, 'routes')
  t.equal(configured('Service', 'SVC-EXTERNALIP')?.policy, undefined)
  const bundledPolicy = await loadPolicyDir(bundled)
  t.equal([...bundledPolicy.validations.get('Service') ?? []].find((entry) => entry.rule.id === 'SVC-NODEPORT')?.policy, 'services', 'the bundled files name their rule groups')
})

t.test('every problem of a file is reported with file, line, field and what was expected', async (t) => {
  const found = await problems('invalid')
  t.equal(found.length, 6)
  t.equal(found[0], 'invalid/policy.yaml:4: spec.mode: expected one of "enforce", "audit", got "strict"')
  t.equal(found[1], 'invalid/policy.yaml:6: spec.exemptions.namespace: unknown field; expected one of: namespaces, users, groups, namespaceSelector')
  t.match(found[2], /^invalid\/policy\.yaml:9: spec\.exceptions\[0\]\.rules\[0\]: expected one of "SVC-NODEPORT", .*got "SVC-NODEPOR"$/)
  t.equal(found[3], 'invalid/policy.yaml:11: spec.exceptions[0].expires: expected a date (2027-01-31) or an RFC 3339 time (2027-01-31T18:00:00Z), got "next week"')
  t.equal(found[4], 'invalid/policy.yaml:14: spec.rules.SVC-NODEPORT.action: expected one of "deny", "warn", "audit", "off", got "block"')
  t.match(found[5], /^invalid\/policy\.yaml:17: spec\.rules\.NO-SUCH-RULE: unknown field; expected one of: SVC-NODEPORT, /)
})

t.test('settings the schema accepts but that make no sense are caught at compile', async (t) => {
  const { writeFile, mkdtemp, rm } = await import('node:fs/promises')
  const { join } = await import('node:path')
  const { tmpdir } = await import('node:os')
  const dir = await mkdtemp(join(tmpdir(), 'netguard-policy-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'p.yaml'), 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nspec:\n  rules:\n    SVC-EXTERNALIP:\n      allowedCidrs: ["10.0.0.0/8", "10.0.0.0/33"]\n  exceptions:\n    - { name: x, rules: [SVC-NODEPORT], reason: r, expires: "2027-02-30" }\n')
  const error = await loadPolicyDir(dir).catch((error: unknown) => error as Error)
  t.match(error, { code: 'NG_ERR_POLICY_INVALID' })
  t.match((error as Error).message, /p\.yaml:6: spec\.rules\.SVC-EXTERNALIP\.allowedCidrs\[1\]: expected a CIDR such as 10\.0\.0\.0\/8 or 2001:db8::\/32, got "10\.0\.0\.0\/33"/)
  t.match((error as Error).message, /p\.yaml:8: spec\.exceptions\[0\]\.expires: "2027-02-30" is not a real date/)
})

t.test('two files configuring one rule, or disagreeing on the mode, are refused', async (t) => {
  t.same(await problems('conflict'), [
    'conflict/b.yaml:4: spec.mode: conflicts with mode "audit" set in conflict/a.yaml',
    'conflict/b.yaml:6: spec.rules.SVC-NODEPORT: rule SVC-NODEPORT is already configured in conflict/a.yaml; configure each rule in one place'
  ])
})

t.test('YAML syntax errors name the file and line', async (t) => {
  const [problem] = await problems('syntax')
  t.match(problem, /^syntax\/broken\.yaml:\d+: /)
})

t.test('a missing directory and an empty one are clear errors', async (t) => {
  await t.rejects(loadPolicyDir(fixtures + 'does-not-exist'), { code: 'NG_ERR_POLICY_DIR', message: /cannot read policies from .*does-not-exist/ })
  await t.rejects(loadPolicyDir(fixtures + 'conflict/..'), { code: 'NG_ERR_POLICY_INVALID', message: /no policy documents found/ })
})
