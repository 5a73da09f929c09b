import t from 'tap'
import { subjectOf, withNamespace } from '../../src/engine/subject.ts'

const user = { username: 'netguard-check', groups: ['system:authenticated'] }
const now = new Date('2026-11-26T12:00:00Z')

t.test('a manifest becomes the subject the API server would send for it', async (t) => {
  const ingress = { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'web' } }
  const subject = subjectOf(ingress, { user, now, namespace: 'shop' })
  t.same(subject.kind, { group: 'networking.k8s.io', kind: 'Ingress' }, 'the kind as admission names it')
  t.equal(subject.namespace, 'shop', 'a namespaced object without a namespace gets the request\'s')
  t.equal(subject.object?.metadata?.namespace, 'shop')
  t.equal(subject.name, 'web')
  t.equal(subject.operation, 'CREATE')
  t.equal(subject.dryRun, true)
  t.equal(subject.cluster, undefined)
})

t.test('a Namespace is reviewed in itself; cluster-scoped objects get no namespace', async (t) => {
  t.equal(subjectOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }, { user, now, namespace: 'default' }).namespace, 'team-a')
  const egressIp = subjectOf({ apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name: 'e' } }, { user, now, namespace: 'default' })
  t.equal(egressIp.namespace, undefined)
  t.equal(egressIp.object?.metadata?.namespace, undefined)
})

t.test('an UPDATE carries the old object, placed like the new one; listed objects keep their own namespace', async (t) => {
  const before = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } }
  const subject = subjectOf({ ...before, spec: {} }, { user, now, namespace: 'shop', operation: 'UPDATE', oldObject: before })
  t.equal(subject.oldObject?.metadata?.namespace, 'shop')
  const listed = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'prod' } }
  t.equal(withNamespace(listed, 'shop'), listed)
  t.equal(withNamespace(before, undefined), before, 'no default namespace: left as it is')
})
