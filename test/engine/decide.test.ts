import t from 'tap'
import { decide, denyMessage } from '../../src/engine/decide.ts'
import type { Change, Violation } from '../../src/engine/types.ts'

const violation = (ruleId: string, action: Violation['action'], message = `${ruleId} message`): Violation =>
  ({ ruleId, action, path: 'spec.x', message, fix: 'fix it' })
const patchChange: Change = { ruleId: 'NS-ISOLATION', action: 'mutate', message: 'adds label netguard.io/isolation=default-deny' }

t.test('enforce: deny blocks and names every rule; warn warns; audit records only', async (t) => {
  const decision = decide([violation('A', 'deny'), violation('B', 'deny'), violation('C', 'warn'), violation('D', 'audit')], [], 'enforce')
  t.equal(decision.allowed, false)
  t.equal(denyMessage(decision.denials), '[A] A message; fix it\n[B] B message; fix it')
  t.same(decision.warnings, ['[C] C message; fix it'])
  t.same(JSON.parse(decision.auditAnnotations.violations ?? ''), [
    { rule: 'A', action: 'deny', field: 'spec.x' }, { rule: 'B', action: 'deny', field: 'spec.x' },
    { rule: 'C', action: 'warn', field: 'spec.x' }, { rule: 'D', action: 'audit', field: 'spec.x' }
  ])
  t.equal(decision.auditAnnotations.mode, 'enforce')
})

t.test('audit mode: nothing denied, nothing patched, everything reported', async (t) => {
  const decision = decide([violation('A', 'deny'), violation('C', 'warn')], [patchChange], 'audit')
  t.equal(decision.allowed, true)
  t.equal(decision.patch, false)
  t.same(decision.denials, [])
  t.same(decision.warnings, [
    '[A] (audit mode, would deny) A message; fix it',
    '[C] C message; fix it',
    '[NS-ISOLATION] (audit mode, would patch) adds label netguard.io/isolation=default-deny'
  ])
  t.same(JSON.parse(decision.auditAnnotations.mutations ?? ''), [{ rule: 'NS-ISOLATION', action: 'audit' }])
})

t.test('patches apply only in enforce mode with a mutate change', async (t) => {
  t.equal(decide([], [patchChange], 'enforce').patch, true)
  t.equal(decide([], [{ ...patchChange, action: 'audit' }], 'enforce').patch, false)
})

t.test('nothing found: allowed, no warnings, no annotations', async (t) => {
  t.same(decide([], [], 'enforce'), { allowed: true, mode: 'enforce', denials: [], warnings: [], auditAnnotations: {}, patch: false, violations: [], changes: [] })
})

t.test('warnings are single lines, short where possible, never over 250 characters', async (t) => {
  const long = violation('LONG', 'warn', `line one\nline two ${'x'.repeat(400)}`)
  const [warning] = decide([long], [], 'enforce').warnings
  t.notMatch(warning ?? '', /[\r\n]/)
  t.ok((warning ?? '').length <= 250)
  const [medium] = decide([violation('MID', 'warn', 'm'.repeat(110))], [], 'enforce').warnings
  t.equal(medium, `[MID] ${'m'.repeat(110)}`, 'the fix is dropped past 120 characters')
})

t.test('annotation keys are plain names without a slash', async (t) => {
  const keys = Object.keys(decide([violation('A', 'deny')], [patchChange], 'enforce').auditAnnotations)
  t.ok(keys.every((key) => !key.includes('/') && key.length <= 63), keys.join(','))
})

t.test('the admin-only detail goes to the audit annotations, never to the deny message or a warning', async (t) => {
  const held = { ...violation('ROUTE-HOST-OWNERSHIP', 'deny', 'spec.host a.example.com: the host is already claimed by a Route in another namespace'), detail: 'held by Route bank/www' }
  const warned = { ...violation('SVC-EXTERNAL-DNS-UNIQUE', 'warn', 'taken'), detail: 'held by Service web/www' }
  for (const mode of ['enforce', 'audit'] as const) {
    const decision = decide([held, warned], [], mode)
    t.same(JSON.parse(decision.auditAnnotations.violations ?? ''), [
      { rule: 'ROUTE-HOST-OWNERSHIP', action: 'deny', field: 'spec.x', detail: 'held by Route bank/www' },
      { rule: 'SVC-EXTERNAL-DNS-UNIQUE', action: 'warn', field: 'spec.x', detail: 'held by Service web/www' }
    ], mode)
    const client = [denyMessage(decision.denials), ...decision.warnings].join('\n')
    t.notMatch(client, /bank|web\/www|held by/, `${mode}: the client sees neither holder`)
  }
})
