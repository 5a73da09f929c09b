import t from 'tap'
import { fixture, nad, violations } from './helpers.ts'

const found = (object: ReturnType<typeof nad>, spec?: string) => violations('NAD-CONFIG', object, spec)

t.test('well-formed single plugins and conflists pass', async (t) => {
  t.same(found(nad(fixture('network-attachment', 'macvlan-whereabouts.json'))), [])
  t.same(found(nad(fixture('network-attachment', 'sriov-conflist.json'))), [])
})

t.test('a NAD without spec.config is denied: Multus would read a file on the node', async (t) => {
  const [violation, ...rest] = found(nad(undefined))
  t.same(rest, [])
  t.match(violation, {
    ruleId: 'NAD-CONFIG',
    action: 'deny',
    path: 'spec.config',
    message: 'spec.config is missing, so Multus would read a CNI file on the node that netguard cannot inspect',
    fix: 'put the CNI configuration in spec.config as a JSON string'
  })
})

t.test('invalid JSON, no cniVersion, no type or plugins are denied with the field', async (t) => {
  t.match(found(nad('{"type": "macvlan",}')), [{ path: 'spec.config', message: /^spec\.config is not valid JSON/ }])
  t.match(found(nad({ type: 'macvlan' })), [{
    path: 'spec.config.cniVersion',
    message: 'spec.config has no cniVersion',
    fix: 'make spec.config a JSON object with cniVersion and either type (one plugin) or plugins (a list)'
  }])
  t.match(found(nad({ cniVersion: '1.0.0', name: 'x' })), [{ path: 'spec.config.type', message: 'spec.config has neither type nor plugins' }])
  t.same(found(nad({ cniVersion: '1.0.0', plugins: [{ type: 'bridge' }, {}] })).map((v) => v.message), ['spec.config.plugins[1] has no type'])
})

t.test('namespaces allowed to keep their CNI config on the nodes', async (t) => {
  const spec = 'rules: { NAD-CONFIG: { allowMissingConfigNamespaces: ["infra-*"] } }'
  t.same(found(nad(undefined, 'infra-net'), spec), [])
  t.equal(found(nad(undefined, 'payments'), spec).length, 1)
  t.equal(found(nad('nope', 'infra-net'), spec).length, 1, 'an unreadable config is still refused there')
})

t.test('DELETE and action off', async (t) => {
  const object = nad(undefined)
  t.same(violations('NAD-CONFIG', object, '{}', { operation: 'DELETE', oldObject: object }), [])
  t.same(found(object, 'rules: { NAD-CONFIG: { action: off } }'), [])
  t.match(found(object, 'rules: { NAD-CONFIG: { action: warn } }'), [{ action: 'warn' }])
})
