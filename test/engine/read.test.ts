import t from 'tap'
import { FieldReader, metaOf, shown, stableJson, typeName, wrongTypes } from '../../src/engine/read.ts'

t.test('typeName and shown describe any JSON value without calling it', async (t) => {
  t.same([undefined, null, [], 'x', 5, true, {}].map(typeName), ['missing', 'null', 'a list', 'the string "x"', 'the number 5', 'true', 'an object'])
  t.equal(typeName('a'.repeat(40)), `the string "${'a'.repeat(30)}..."`)
  const hostile = { toString: {}, valueOf: null }
  t.equal(shown(hostile), '{"toString":{},"valueOf":null}', 'an object whose toString is not a function is still shown')
  t.equal(shown(undefined), 'undefined')
  t.equal(stableJson({ b: [1, { d: 1, c: 2 }], a: null }), '{"a":null,"b":[1,{"c":2,"d":1}]}')
})

t.test('FieldReader: absent and null are absent; a wrong type is a finding and reads as absent', async (t) => {
  const reader = new FieldReader()
  t.same(reader.list(undefined, 'a'), [])
  t.same(reader.list(null, 'a'), [])
  t.same(reader.list('x', 'spec.ports'), [])
  t.equal(reader.object([], 'spec'), undefined)
  t.equal(reader.string(5, 'spec.type'), undefined)
  t.equal(reader.integer(1.5, 'port'), undefined)
  t.equal(reader.boolean('true', 'hostNetwork'), undefined)
  t.equal(reader.string('NodePort', 'spec.type'), 'NodePort')
  t.same(reader.problems.map((problem) => problem.message), [
    'spec.ports is the string "x"; expected a list',
    'spec is a list; expected an object',
    'spec.type is the number 5; expected a string',
    'port is the number 1.5; expected an integer',
    'hostNetwork is the string "true"; expected true or false'
  ])
  t.equal(reader.problems[0]?.fix, 'write spec.ports as a list')
})

t.test('wrongTypes walks lists ([]) and maps ({}), and looks no deeper than a wrong parent', async (t) => {
  const object = { spec: { rules: [{ host: 5 }, 'x', { host: 'a' }], tls: 'nope' }, metadata: { labels: { a: 'b', c: 7 } } }
  t.same(wrongTypes(object, {
    spec: 'object',
    'spec.rules': 'list',
    'spec.rules[]': 'object',
    'spec.rules[].host': 'string',
    'spec.tls': 'list',
    'spec.tls[].hosts': 'list',
    'metadata.labels{}': 'string'
  }).map((finding) => finding.path), ['spec.rules[1]', 'spec.rules[0].host', 'spec.tls', 'metadata.labels["c"]'])
  t.same(wrongTypes('garbage', { spec: 'object', 'spec.x': 'string' }), [], 'nothing under a value that is no object')
  t.same(wrongTypes({ __proto__: { spec: 5 } }, { spec: 'object' }), [], 'inherited properties are not fields')
})

t.test('metaOf keeps the string fields of metadata only', async (t) => {
  t.same(metaOf({ metadata: { name: { toString: {} }, namespace: 'shop', labels: { a: 'b', c: 1 }, annotations: 'x' } }), {
    name: undefined, namespace: 'shop', labels: { a: 'b' }, annotations: {}
  })
  t.same(metaOf(undefined), { name: undefined, namespace: undefined, labels: {}, annotations: {} })
})
