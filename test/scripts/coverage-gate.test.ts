import t from 'tap'
import { coverageProblems, FLOORS } from '../../scripts/coverage-gate.ts'

const counts = (lines: [number, number], branches: [number, number]) =>
  ({ lines: { total: lines[1], covered: lines[0] }, branches: { total: branches[1], covered: branches[0] } })

t.test('a part below its floor, in lines or branches, is named with its figure', async (t) => {
  const floors = [{ part: 'src/engine/', lines: 90, branches: 80 }, { part: 'src/server.ts', lines: 100, branches: 100 }]
  const summary = {
    total: counts([0, 0], [0, 0]),
    '/repo/src/engine/a.ts': counts([45, 50], [8, 10]),
    '/repo/src/engine/b.ts': counts([50, 50], [9, 10]),
    '/repo/src/server.ts': counts([9, 10], [2, 2])
  }
  t.same(coverageProblems(summary, '/repo', floors, []), ['src/server.ts: lines 90.00% is below its floor of 100%'], 'engine: 95% and 85% together')
  t.same(coverageProblems({ ...summary, '/repo/src/engine/b.ts': counts([10, 50], [9, 10]) }, '/repo', floors, []), [
    'src/engine/: lines 55.00% is below its floor of 90%',
    'src/server.ts: lines 90.00% is below its floor of 100%'
  ])
})

t.test('in a part that asks for it, a source file no test loads is a problem', async (t) => {
  const floors = [{ part: 'src/engine/', lines: 0, branches: 0, everyFile: true }, { part: 'src/cli/', lines: 0, branches: 0 }]
  const summary = { '/repo/src/engine/a.ts': counts([1, 1], [0, 0]) }
  t.same(coverageProblems(summary, '/repo', floors, ['src/engine/a.ts', 'src/engine/new.ts', 'src/cli/new.ts']), ['src/engine/new.ts: no test loads it'])
})

t.test('every floor is a percentage, every part once', async (t) => {
  t.ok(FLOORS.every((floor) => floor.lines >= 0 && floor.lines <= 100 && floor.branches >= 0 && floor.branches <= 100))
  t.equal(new Set(FLOORS.map((floor) => floor.part)).size, FLOORS.length)
})
