import t from 'tap'
import { parseFieldPath, valueAt } from '../../src/engine/field-path.ts'

t.test('paths as findings write them', async (t) => {
  t.same(parseFieldPath('spec.ports[0].nodePort'), ['spec', 'ports', 0, 'nodePort'])
  t.same(parseFieldPath('metadata.annotations["k8s.v1.cni.cncf.io/networks"][1].ips'), ['metadata', 'annotations', 'k8s.v1.cni.cncf.io/networks', 1, 'ips'])
  t.same(parseFieldPath('metadata.labels["a\\"b"]'), ['metadata', 'labels', 'a"b'], 'an escaped quote in a key')
  t.same(parseFieldPath(''), [])
  t.equal(parseFieldPath('spec.ports[x]'), undefined)
  t.equal(parseFieldPath('spec["open'), undefined)
})

t.test('the value at a path, or at the part of it the object holds as JSON', async (t) => {
  const object = { metadata: { annotations: { nets: '[{"name":"a"}]' } }, spec: { ports: [{ nodePort: 30080 }], config: '{"type":"macvlan"}' } }
  t.equal(valueAt(object, ['spec', 'ports', 0, 'nodePort']), 30080)
  t.same(valueAt(object, ['spec', 'ports']), [{ nodePort: 30080 }])
  t.equal(valueAt(object, ['spec', 'config', 'type']), '{"type":"macvlan"}', 'embedded JSON: the string that holds it')
  t.equal(valueAt(object, ['metadata', 'annotations', 'nets', 0, 'name']), '[{"name":"a"}]')
  t.equal(valueAt(object, ['spec', 'missing', 'deeper']), undefined)
  t.equal(valueAt(object, ['spec', 'ports', 3]), undefined)
})
