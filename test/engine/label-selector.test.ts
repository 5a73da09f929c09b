import t from 'tap'
import { selectorMatches } from '../../src/engine/label-selector.ts'

const labels = { app: 'web', tier: 'frontend' }

t.test('matchLabels: every pair must be present', async (t) => {
  t.ok(selectorMatches({ matchLabels: { app: 'web' } }, labels))
  t.ok(selectorMatches({ matchLabels: { app: 'web', tier: 'frontend' } }, labels))
  t.notOk(selectorMatches({ matchLabels: { app: 'web', env: 'prod' } }, labels))
  t.notOk(selectorMatches({ matchLabels: { app: 'api' } }, labels))
  t.notOk(selectorMatches({ matchLabels: { app: 'web' } }, undefined))
})

t.test('an empty or absent selector selects everything', async (t) => {
  t.ok(selectorMatches({}, labels))
  t.ok(selectorMatches(undefined, undefined))
  t.ok(selectorMatches(null, labels))
  t.ok(selectorMatches({ matchLabels: null, matchExpressions: null }, labels))
  t.ok(selectorMatches({ matchLabels: {}, matchExpressions: [] }, undefined))
})

t.test('matchExpressions operators', async (t) => {
  const expr = (operator: string, key = 'tier', values?: unknown) => ({ matchExpressions: [{ key, operator, values }] })
  t.ok(selectorMatches(expr('In', 'tier', ['frontend', 'backend']), labels))
  t.notOk(selectorMatches(expr('In', 'tier', ['backend']), labels))
  t.notOk(selectorMatches(expr('In', 'env', ['prod']), labels))
  t.ok(selectorMatches(expr('NotIn', 'tier', ['backend']), labels))
  t.notOk(selectorMatches(expr('NotIn', 'tier', ['frontend']), labels))
  t.ok(selectorMatches(expr('NotIn', 'env', ['prod']), labels), 'NotIn holds for an absent label')
  t.ok(selectorMatches(expr('Exists'), labels))
  t.notOk(selectorMatches(expr('Exists', 'env'), labels))
  t.ok(selectorMatches(expr('DoesNotExist', 'env'), labels))
  t.notOk(selectorMatches(expr('DoesNotExist'), labels))
  t.ok(selectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels))
})

t.test('malformed selectors select nothing', async (t) => {
  t.notOk(selectorMatches('app=web', labels))
  t.notOk(selectorMatches([], labels))
  t.notOk(selectorMatches({ matchLabels: 'app=web' }, labels))
  t.notOk(selectorMatches({ matchExpressions: {} }, labels))
  t.notOk(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Matches', values: ['x'] }] }, labels))
  t.notOk(selectorMatches({ matchExpressions: [{ operator: 'Exists' }] }, labels))
  t.notOk(selectorMatches({ matchExpressions: [null] }, labels))
  t.notOk(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: 'frontend' }] }, labels))
  t.notOk(selectorMatches({ matchLabels: { app: 'web' } }, { app: 42 }), 'a non-string label value is no label')
})
