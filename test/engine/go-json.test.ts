import t from 'tap'
import {
  canonicalJson, decodeGo, foldKey, goMap, goPointer, goSlice, goStruct, GO_ANY, GO_BOOL, GO_FLOAT, GO_INT, GO_STRING,
  parseRawJson, type GoJsonProblem, type GoType, type RawJson
} from '../../src/engine/go-json.ts'

const raw = (text: string): RawJson => {
  const parsed = parseRawJson(text)
  if ('error' in parsed) throw new Error(parsed.error)
  return parsed.value
}

const decode = (text: string, type: GoType): { value: unknown, problems: GoJsonProblem[] } => {
  const problems: GoJsonProblem[] = []
  return { value: decodeGo(raw(text), type, '$', problems), problems }
}

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

const PLUGIN = goStruct({
  type: GO_STRING,
  master: GO_STRING,
  vlan: GO_INT,
  promisc: GO_BOOL,
  sysctl: goMap(GO_STRING),
  ipam: goStruct({ type: GO_STRING, ranges: goSlice(goSlice(goStruct({ subnet: GO_STRING, rangeStart: GO_STRING }))) }),
  runtimeConfig: goPointer(goStruct({ ips: goSlice(GO_STRING) })),
  rate: GO_FLOAT,
  extra: GO_ANY
})

t.test('parses what JSON.parse parses, keeping key order, duplicates and number text', async (t) => {
  t.same(raw('{"a": 1, "A": 2.50, "a": [true, null, "x"]}'), {
    kind: 'object',
    entries: [
      ['a', { kind: 'number', text: '1' }],
      ['A', { kind: 'number', text: '2.50' }],
      ['a', { kind: 'array', items: [{ kind: 'bool', value: true }, { kind: 'null' }, { kind: 'string', value: 'x' }] }]
    ]
  })
  t.same(raw('"\\u00e9\\n\\/"'), { kind: 'string', value: 'é\n/' })
  t.same(raw('"\\ud800x"'), { kind: 'string', value: '\ufffdx' }, 'a lone surrogate is U+FFFD, as Go decodes it')
  t.same(raw('"\\ud83d\\ude00"'), { kind: 'string', value: '😀' })
  for (const text of ['', '{', '{"a" 1}', '{"a": 1,}', '[1,]', '01', '1.', '-', '"\n"', '"\\x"', '"\\u12"', '{} x', 'nul', "{'a': 1}", '\ufeff{}']) {
    const parsed = parseRawJson(text)
    t.ok('error' in parsed, `${JSON.stringify(text)} is refused`)
    t.throws(() => JSON.parse(text), `JSON.parse refuses ${JSON.stringify(text)} too`)
  }
  t.match(parseRawJson('{"a": }'), { error: 'unexpected character "}" at offset 6' })
  t.match(parseRawJson('['.repeat(600)), { error: /^nesting deeper than 500/ }, 'deep nesting is refused, not a stack overflow')
})

t.test('keys fold as Go folds them', async (t) => {
  t.equal(foldKey('Master'), foldKey('master'))
  t.equal(foldKey('maſter'), foldKey('master'), 'long s folds onto s')
  t.equal(foldKey('\u212aind'), foldKey('kind'), 'the Kelvin sign folds onto k')
  t.equal(foldKey('lınkInContainer'), foldKey('linkInContainer'), 'dotless i folds onto i')
  t.equal(foldKey('İpam'), foldKey('ipam'), 'dotted capital I folds onto i')
  t.equal(foldKey('straße'), foldKey('STRAßE'), 'ß has no single-letter upper case')
  t.not(foldKey('range_start'), foldKey('rangeStart'), 'underscores are not folded away')
})

t.test('a struct takes keys case-insensitively, and the last one wins', async (t) => {
  const { value, problems } = decode('{"type": "macvlan", "master": "eth1", "Type": "host-device", "MASTER": "eth9"}', PLUGIN)
  t.same(plain(value), { type: 'host-device', master: 'eth9' })
  t.same(problems.map((problem) => [problem.reason, problem.path]), [
    ['duplicate', '$.Type'], ['spelling', '$.Type'], ['duplicate', '$.MASTER'], ['spelling', '$.MASTER']
  ])
  t.match(problems[1], { message: '$.Type is read as $.type by Go; write type' })
  t.match(problems[0], { message: '$.Type and $.type are the same field to Go, and Go readers disagree on which one wins' })
  t.same(decode('{"type": "a", "type": "b"}', PLUGIN).problems.map((problem) => problem.message), ['$.type is written twice'])
})

t.test('nested structs merge, slices merge element by element, maps keep their keys', async (t) => {
  t.same(plain(decode('{"ipam": {"type": "host-local", "ranges": [[{"subnet": "10.0.0.0/24", "rangeStart": "10.0.0.9"}]]}, "IPAM": {"Ranges": [[{"SUBNET": "10.128.0.0/14"}]]}}', PLUGIN).value), {
    ipam: { type: 'host-local', ranges: [[{ subnet: '10.128.0.0/14', rangeStart: '10.0.0.9' }]] }
  }, 'the later ipam is decoded into the earlier one')
  t.same(plain(decode('{"sysctl": {"a": "1"}, "Sysctl": {"B": "2", "a": "3"}}', PLUGIN).value), { sysctl: { a: '3', B: '2' } }, 'map keys are exact, and merged')
  t.same(plain(decode('{"extra": {"a": 1}, "Extra": {"b": 2}}', PLUGIN).value), { extra: { b: 2 } }, 'an interface{} is replaced')
})

t.test('null clears pointers, slices, maps and interfaces, and leaves other fields alone', async (t) => {
  t.same(plain(decode('{"type": "macvlan", "type": null, "promisc": true, "Promisc": null}', PLUGIN).value), { type: 'macvlan', promisc: true })
  t.same(plain(decode('{"runtimeConfig": {"ips": ["10.0.0.1/24"]}, "runtimeConfig": null, "sysctl": {"a": "1"}, "sysctl": null}', PLUGIN).value), {})
})

t.test('a value of the wrong type is a problem naming the field and the expected type, and is kept as written', async (t) => {
  const { value, problems } = decode('{"master": ["eth1"], "vlan": 50.0, "promisc": "true", "ipam": "dhcp", "rate": 1e999, "sysctl": {"a": 1}}', PLUGIN)
  t.same(problems.map((problem) => problem.message), [
    '$.master is a list; expected a string',
    '$.vlan is the number 50.0; expected an integer',
    '$.promisc is a string; expected true or false',
    '$.ipam is a string; expected an object',
    '$.rate is the number 1e999; expected a number',
    '$.sysctl["a"] is the number 1; expected a string'
  ])
  t.ok(problems.every((problem) => problem.reason === 'type'))
  t.same(plain(value), { master: ['eth1'], vlan: 50, promisc: 'true', ipam: 'dhcp', sysctl: { a: 1 } })
  t.same(decode('{"vlan": 9223372036854775808}', PLUGIN).problems.map((problem) => problem.message), ['$.vlan is the number 9223372036854775808; expected an integer'])
  t.same(decode('{"vlan": -9223372036854775808}', PLUGIN).problems, [])
  t.same(decode('[1]', PLUGIN).problems.map((problem) => problem.message), ['$ is a list; expected an object'])
})

t.test('__proto__ and constructor are plain keys', async (t) => {
  const { value } = decode('{"__proto__": {"type": "host-device"}, "constructor": 1, "extra": {"__proto__": {"x": 1}}}', PLUGIN)
  t.equal(Object.getPrototypeOf(value), null)
  t.equal((value as { type?: unknown }).type, undefined)
  t.same(Object.keys(value as object).sort(), ['__proto__', 'constructor', 'extra'])
  t.equal(({} as { x?: unknown }).x, undefined, 'no prototype was touched')
})

t.test('canonicalJson is what libcni hands a plugin: exact duplicates dropped, keys in byte order, numbers as float64', async (t) => {
  const canonical = canonicalJson(raw('{"master": "eth9", "b": {"y": 1, "x": 2}, "Master": "eth1", "vlan": 50.0, "master": "eth8"}'))
  t.same(canonical, raw('{"Master": "eth1", "b": {"x": 2, "y": 1}, "master": "eth8", "vlan": 50}'))
  t.same(plain(decodeGo(canonical, PLUGIN, '$', [])), { master: 'eth8', b: { x: 2, y: 1 }, vlan: 50 }, 'after sorting, lower case comes last and wins')
  t.same(canonicalJson(raw('{"é": 1, "z": 2, "Z": 3}')), raw('{"Z": 3, "z": 2, "é": 1}'), 'UTF-8 byte order')
  t.same(canonicalJson(raw('[1e999]')), raw('[1e999]'), 'out of range stays, to be reported')
})
