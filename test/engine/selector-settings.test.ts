import t from 'tap'
import { compileLabelSelector, type LabelMatcher } from '../../src/engine/selector-settings.ts'
import type { LabelSelector } from '../../src/kube/types.ts'

const matcher = (selector: LabelSelector): LabelMatcher => {
  const compiled = compileLabelSelector(selector)
  if (!('matches' in compiled)) throw new Error(compiled.problem)
  return compiled
}

t.test('an empty selector matches every namespace', async (t) => {
  t.equal(matcher({}).matches({}), true)
  t.equal(matcher({ matchLabels: {}, matchExpressions: [] }).matches({ a: 'b' }), true)
})

t.test('matchLabels and every operator, AND-ed', async (t) => {
  const selector = matcher({
    matchLabels: { team: 'shop' },
    matchExpressions: [
      { key: 'env', operator: 'In', values: ['dev', 'test'] },
      { key: 'tier', operator: 'NotIn', values: ['prod'] },
      { key: 'owner', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' }
    ]
  })
  t.equal(selector.matches({ team: 'shop', env: 'dev', owner: 'x' }), true)
  t.equal(selector.matches({ team: 'shop', env: 'dev', owner: 'x', tier: 'web' }), true)
  t.equal(selector.matches({ team: 'shop', env: 'prod', owner: 'x' }), false, 'In')
  t.equal(selector.matches({ team: 'shop', owner: 'x' }), false, 'In needs the key')
  t.equal(selector.matches({ team: 'shop', env: 'dev', owner: 'x', tier: 'prod' }), false, 'NotIn')
  t.equal(selector.matches({ team: 'shop', env: 'dev' }), false, 'Exists')
  t.equal(selector.matches({ team: 'shop', env: 'dev', owner: 'x', legacy: '' }), false, 'DoesNotExist')
  t.equal(selector.matches({ team: 'web', env: 'dev', owner: 'x' }), false, 'matchLabels')
})

t.test('malformed expressions are problems with their path', async (t) => {
  t.same(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), { problem: 'In needs at least one value', path: ['matchExpressions', 0, 'values'] })
  t.same(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'DoesNotExist', values: ['x'] }] }),
    { problem: 'DoesNotExist takes no values', path: ['matchExpressions', 1, 'values'] })
})

t.test('an unknown operator is a problem, never a match-all', async (t) => {
  t.same(compileLabelSelector({ matchExpressions: [{ key: 'a' }] }), { problem: ' is not an operator', path: ['matchExpressions', 0, 'operator'] })
  t.same(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Equals' }] }), { problem: 'Equals is not an operator', path: ['matchExpressions', 0, 'operator'] })
})
