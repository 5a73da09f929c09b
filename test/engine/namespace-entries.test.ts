import t from 'tap'
import { NamespaceEntries } from '../../src/engine/namespace-entries.ts'

const entries = [
  { namespaces: ['shop'], value: 'a' },
  { namespaces: ['team-*', 'web'], value: 'b' },
  { namespaces: ['web', 'shop'], value: 'c' },
  { namespaces: ['?eb'], value: 'd' }
]

t.test('the entries naming a namespace, by plain name or by glob, in policy order', async (t) => {
  const index = new NamespaceEntries(entries, (entry) => entry.namespaces)
  const values = (namespace: string | undefined) => index.matching(namespace).map((entry) => entry.value)
  t.same(values('shop'), ['a', 'c'])
  t.same(values('web'), ['b', 'c', 'd'], 'a name and a glob in one entry count once; globs are tested too')
  t.same(values('team-x'), ['b'])
  t.same(values('team'), [], 'team-* needs the dash')
  t.same(values('other'), [])
  t.same(values(undefined), [], 'no namespace, no per-namespace entry')
  t.equal(index.size, 4)
})

t.test('10,000 tenant entries: each namespace finds its own', async (t) => {
  const tenants = Array.from({ length: 10_000 }, (_, at) => ({ namespaces: [`tenant-${at}`], at }))
  const index = new NamespaceEntries(tenants, (entry) => entry.namespaces)
  t.same(index.matching('tenant-9999').map((entry) => entry.at), [9999])
  t.same(index.matching('tenant-10000'), [])
})
