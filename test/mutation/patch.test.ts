import t from 'tap'
import jsonpatch from 'jsonpatch'
import { desiredNamespace } from '../../src/mutation/namespace.ts'
import { diffPatch } from '../../src/mutation/patch.ts'

t.test('an absent metadata.labels is created whole', async (t) => {
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }
  const patch = diffPatch(namespace, desiredNamespace(namespace))
  t.same(patch, [{ op: 'add', path: '/metadata/labels', value: { 'netguard.io/isolation': 'default-deny' } }])
  t.same(jsonpatch.apply_patch(namespace, patch), desiredNamespace(namespace))
})

t.test('existing labels are kept and the key is escaped as netguard.io~1isolation', async (t) => {
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'team/name': 'a' } } }
  const patch = diffPatch(namespace, desiredNamespace(namespace))
  t.same(patch, [{ op: 'add', path: '/metadata/labels/netguard.io~1isolation', value: 'default-deny' }])
  t.same(jsonpatch.apply_patch(namespace, patch).metadata.labels, { 'team/name': 'a', 'netguard.io/isolation': 'default-deny' })
})

t.test('applying the mutation twice changes nothing the second time', async (t) => {
  const once = desiredNamespace({ metadata: { name: 'shop' } })
  t.same(diffPatch(once, desiredNamespace(once)), [])
})
