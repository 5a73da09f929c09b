import t from 'tap'
import {
  asksForLabel, canonicalSelector, compileLabelSelector, describeReach, isEmptySelector, isOpenEnded, namespaceReach,
  readLabelSelector, selectorKeys, type LabelMatcher
} from '../../src/engine/label-selector.ts'
import type { LabelSelector } from '../../src/kube/types.ts'

// One implementation for the policy's selectors (compileLabelSelector), the selectors of objects
// under review (readLabelSelector) and the matching against cluster labels (LabelMatcher.matches).

const read = (value: unknown): LabelMatcher => {
  const { selector, problems } = readLabelSelector(value, 'sel')
  if (problems.length > 0) throw new Error(problems.map((problem) => problem.message).join('; '))
  return selector
}
const compiled = (selector: LabelSelector): LabelMatcher => {
  const result = compileLabelSelector(selector)
  if (!('matches' in result)) throw new Error(result.problem)
  return result
}
const problems = (value: unknown): string[] => readLabelSelector(value, 'sel').problems.map((problem) => problem.message)

const labels = { app: 'web', tier: 'frontend' }

t.test('matchLabels: every pair must be present', async (t) => {
  t.ok(read({ matchLabels: { app: 'web' } }).matches(labels))
  t.ok(read({ matchLabels: { app: 'web', tier: 'frontend' } }).matches(labels))
  t.notOk(read({ matchLabels: { app: 'web', env: 'prod' } }).matches(labels))
  t.notOk(read({ matchLabels: { app: 'api' } }).matches(labels))
  t.notOk(read({ matchLabels: { app: 'web' } }).matches(undefined))
  t.notOk(read({ matchLabels: { app: 'web' } }).matches({ app: 42 }), 'a non-string label value is no label')
  t.notOk(read({ matchLabels: { toString: 'x' } }).matches({}), 'inherited properties are no labels')
})

t.test('an empty or absent selector selects everything', async (t) => {
  for (const value of [{}, undefined, null, { matchLabels: null, matchExpressions: null }, { matchLabels: {}, matchExpressions: [] }]) {
    t.ok(read(value).matches(labels), JSON.stringify(value) ?? 'undefined')
    t.ok(read(value).matches(undefined))
    t.ok(isEmptySelector(read(value)))
  }
})

t.test('matchExpressions operators, AND-ed with matchLabels; the policy compiler reads them the same', async (t) => {
  const expr = (operator: string, key = 'tier', values?: string[]) => ({ matchExpressions: [{ key, operator, ...(values === undefined ? {} : { values }) }] })
  const cases: [LabelSelector, boolean][] = [
    [expr('In', 'tier', ['frontend', 'backend']), true],
    [expr('In', 'tier', ['backend']), false],
    [expr('In', 'env', ['prod']), false],
    [expr('NotIn', 'tier', ['backend']), true],
    [expr('NotIn', 'tier', ['frontend']), false],
    [expr('NotIn', 'env', ['prod']), true],
    [expr('Exists'), true],
    [expr('Exists', 'env'), false],
    [expr('DoesNotExist', 'env'), true],
    [expr('DoesNotExist'), false],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true]
  ]
  for (const [selector, expected] of cases) {
    t.equal(read(selector).matches(labels), expected, JSON.stringify(selector))
    t.equal(compiled(selector).matches(labels), expected, `compiled ${JSON.stringify(selector)}`)
  }
})

t.test('what the API server would refuse is a problem at its field, and selects nothing', async (t) => {
  t.same(problems('app=web'), ['sel is the string "app=web"; expected a label selector object'])
  t.same(problems([]), ['sel is a list; expected a label selector object'])
  t.same(problems({ matchLabels: 'app=web' }), ['sel.matchLabels is the string "app=web"; expected an object of label values'])
  t.same(problems({ matchLabels: { app: 7 } }), ['sel.matchLabels["app"] is the number 7; expected a string'])
  t.same(problems({ matchExpressions: {} }), ['sel.matchExpressions is an object; expected a list'])
  t.same(problems({ matchExpressions: [{ key: 'tier', operator: 'Matches', values: ['x'] }] }), ['sel.matchExpressions[0].operator "Matches" is not one of In, NotIn, Exists, DoesNotExist'])
  t.same(problems({ matchExpressions: [{ operator: 'Exists' }] }), ['sel.matchExpressions[0].key is missing; expected a label key'])
  t.same(problems({ matchExpressions: [null] }), ['sel.matchExpressions[0] is null; expected {key, operator, values}'])
  t.same(problems({ matchExpressions: [{ key: 'tier', operator: 'In', values: 'frontend' }] }), ['sel.matchExpressions[0].values is the string "frontend"; expected a list of strings'])
  t.same(problems({ matchExpressions: [{ key: 'tier', operator: 'In' }] }), ['sel.matchExpressions[0].values: In needs at least one value'])
  t.same(problems({ matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['x'] }] }), ['sel.matchExpressions[0].values: Exists takes no values'])
  const { selector } = readLabelSelector({ matchExpressions: [{ key: 'tier', operator: 'Matches', values: ['x'] }] }, 'sel')
  t.notOk(selector.matches(labels))
  t.notOk(isEmptySelector(selector), 'an unreadable selector is not an empty one')
})

t.test('policy selectors: malformed expressions are problems with their path, never a match-all', async (t) => {
  t.same(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), { problem: 'In needs at least one value', path: ['matchExpressions', 0, 'values'] })
  t.same(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'DoesNotExist', values: ['x'] }] }),
    { problem: 'DoesNotExist takes no values', path: ['matchExpressions', 1, 'values'] })
  t.same(compileLabelSelector({ matchExpressions: [{ key: 'a' }] }), { problem: 'a missing operator is not an operator', path: ['matchExpressions', 0, 'operator'] })
  t.same(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Equals' }] }), { problem: 'Equals is not an operator', path: ['matchExpressions', 0, 'operator'] })
})

t.test('keys, asking for a label, and a canonical form for comparison', async (t) => {
  const selector = read({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] })
  t.same([...selectorKeys(selector)], ['app', 'tier'])
  t.ok(asksForLabel(selector))
  t.notOk(asksForLabel(read({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] })))
  t.equal(canonicalSelector({ matchLabels: { b: '2', a: '1' } }), canonicalSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }], matchLabels: { b: '2' } }))
  t.not(canonicalSelector({ matchLabels: { a: '1' } }), canonicalSelector({ matchLabels: { a: '2' } }))
  t.not(canonicalSelector({ matchLabels: 'x' }), canonicalSelector({}), 'an unreadable selector is never equal to {}')
})

t.test('namespace selectors are judged by what they select', async (t) => {
  const name = 'kubernetes.io/metadata.name'
  const reach = (value: unknown) => namespaceReach(read(value))
  const e = (key: string, operator: string, values?: string[]) => ({ key, operator, ...(values === undefined ? {} : { values }) })
  const cases: [unknown, string, boolean][] = [
    [{}, 'every namespace', true],
    [{ matchExpressions: [e(name, 'Exists')] }, 'every namespace', true],
    [{ matchExpressions: [e(name, 'NotIn', ['kube-system', 'b', 'a', 'c'])] }, 'every namespace but a, b, c and 1 more', true],
    [{ matchExpressions: [e('team', 'DoesNotExist')] }, 'every namespace without the label team', true],
    [{ matchExpressions: [e('tier', 'NotIn', ['platform']), e(name, 'NotIn', ['x'])] }, 'every namespace without tier=platform and but x', true],
    [{ matchLabels: { [name]: 'shop' } }, 'the namespaces shop', false],
    [{ matchExpressions: [e(name, 'In', ['a', 'b']), e(name, 'NotIn', ['b'])] }, 'the namespaces a', false],
    [{ matchExpressions: [e(name, 'In', ['a']), e(name, 'In', ['b'])] }, 'no namespace', false],
    [{ matchExpressions: [e(name, 'DoesNotExist')] }, 'no namespace', false],
    [{ matchExpressions: [e('team', 'Exists'), e('team', 'DoesNotExist')] }, 'no namespace', false],
    [{ matchLabels: { team: 'payments' } }, 'the namespaces carrying its labels', false],
    [{ matchExpressions: [e(name, 'Exists'), e('team', 'Exists')] }, 'the namespaces carrying its labels', false]
  ]
  for (const [selector, described, open] of cases) {
    t.equal(describeReach(reach(selector)), described, JSON.stringify(selector))
    t.equal(isOpenEnded(reach(selector)), open, `${JSON.stringify(selector)} open-ended`)
  }
})
