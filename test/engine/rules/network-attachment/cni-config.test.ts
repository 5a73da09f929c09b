import t from 'tap'
import { parseCniConfig } from '../../../../src/engine/rules/network-attachment/cni-config.ts'
import { nadConfig } from '../../../../src/engine/rules/network-attachment/network-attachment.ts'
import { fixture, nad } from './helpers.ts'

const problems = (config: unknown) => parseCniConfig(config).problems.map((problem) => problem.message)

t.test('a single plugin is one plugin at spec.config', async (t) => {
  const config = parseCniConfig(JSON.stringify(fixture('network-attachment', 'macvlan-whereabouts.json')))
  t.same(config.problems, [])
  t.equal(config.missing, false)
  t.match(config.plugins, [{ path: 'spec.config', type: 'macvlan', ipamType: 'whereabouts', fields: { master: 'eth1' } }])
  t.equal(config.plugins[0]?.ranges.length, 1)
})

t.test('a conflist gives every entry of plugins[] with its own path', async (t) => {
  const config = parseCniConfig(JSON.stringify(fixture('network-attachment', 'sriov-conflist.json')))
  t.same(config.problems, [])
  t.same(config.plugins.map((plugin) => [plugin.path, plugin.type, plugin.ipamType]), [
    ['spec.config.plugins[0]', 'sriov', 'host-local'],
    ['spec.config.plugins[1]', 'tuning', undefined],
    ['spec.config.plugins[2]', 'portmap', undefined]
  ])
})

t.test('missing, empty or non-string spec.config', async (t) => {
  for (const config of [undefined, null, '', '   ']) {
    const parsed = parseCniConfig(config)
    t.equal(parsed.missing, true)
    t.same(parsed.plugins, [])
    t.match(parsed.problems, [{ path: 'spec.config', message: /^spec\.config is missing, so Multus would read a CNI file on the node/ }])
  }
  t.same(problems(42), ['spec.config is not a string holding a JSON CNI configuration'])
  t.equal(parseCniConfig(42).missing, false)
})

t.test('invalid JSON names the reason without quoting the input', async (t) => {
  const [message] = problems('{"cniVersion": "1.0.0", "type": }')
  t.equal(message, 'spec.config is not valid JSON (unexpected character "}" at offset 32)')
  t.notMatch(message, /cniVersion/)
  t.same(problems('[1, 2]'), ['spec.config is not a JSON object'])
  t.same(problems('"macvlan"'), ['spec.config is not a JSON object'])
})

t.test('cniVersion, type and plugins are required', async (t) => {
  t.same(problems('{"type": "macvlan"}'), ['spec.config has no cniVersion'])
  t.same(problems('{"cniVersion": "1.0.0"}'), ['spec.config has neither type nor plugins'])
  t.same(problems('{"cniVersion": "1.0.0", "plugins": {}}'), ['spec.config.plugins is an object; expected a list'])
  t.same(problems('{"cniVersion": "1.0.0", "plugins": []}'), ['spec.config.plugins is empty'])
  t.same(problems('{"cniVersion": "1.0.0", "plugins": [42, {"master": "eth1"}]}'), [
    'spec.config.plugins[0] is the number 42; expected an object',
    'spec.config.plugins[1] has no type'
  ])
  t.same(problems('{"cniVersion": "1.0.0", "type": ""}'), ['spec.config has no type'])
})

t.test('type and plugins together: refused, and every plugin is still read', async (t) => {
  const config = parseCniConfig('{"cniVersion": "1.0.0", "type": "macvlan", "plugins": [{"type": "host-device"}]}')
  t.same(config.problems.map((problem) => problem.message), ['spec.config has both type and plugins'])
  t.same(config.plugins.map((plugin) => plugin.type), ['macvlan', 'host-device'])
})

t.test('ipam must be an object with a type; an empty ipam means no addresses', async (t) => {
  t.same(problems('{"cniVersion": "1.0.0", "type": "macvlan", "ipam": "dhcp"}'), ['spec.config.ipam is a string; expected an object'])
  t.same(problems('{"cniVersion": "1.0.0", "type": "macvlan", "ipam": {"subnet": "10.1.0.0/16"}}'), ['spec.config.ipam has no type'])
  const empty = parseCniConfig('{"cniVersion": "1.0.0", "type": "macvlan", "ipam": {}}')
  t.same(empty.problems, [])
  t.equal(empty.plugins[0]?.ipamType, undefined)
  t.ok(empty.pool.isEmpty)
})

t.test('the result is frozen and parsed once per object', async (t) => {
  const object = nad(fixture('network-attachment', 'macvlan-whereabouts.json'))
  const first = nadConfig(object)
  t.equal(nadConfig(object), first, 'the same object gives the same parse')
  t.not(nadConfig({ ...object }), first, 'another object is parsed on its own')
  t.ok(Object.isFrozen(first))
})

t.test('a NAD whose spec is not an object reads as a missing config', async (t) => {
  t.equal(nadConfig({ kind: 'NetworkAttachmentDefinition', spec: 'config' }).missing, true)
  t.equal(nadConfig({ kind: 'NetworkAttachmentDefinition', spec: null }).missing, true)
})
