import t from 'tap'
import { decodeReview } from '../../src/admission/review.ts'
import { exampleReview, namespaceObject, reviewOf, service } from '../helpers/review.ts'

const now = new Date('2026-11-26T12:00:00Z')

t.test('the subject: operation, kind, namespace, name, user, old object, dry run, clock', async (t) => {
  const body = exampleReview('service-clusterip-allowed')
  const { uid, subject } = decodeReview(body, now)
  t.equal(uid, body.request.uid)
  t.equal(subject.object, body.request.object)
  t.same(subject, {
    operation: 'CREATE',
    kind: { group: '', kind: 'Service' },
    namespace: 'shop',
    name: 'web',
    user: { username: 'alice', groups: ['developers', 'system:authenticated:oauth', 'system:authenticated'] },
    object: body.request.object,
    oldObject: undefined,
    subResource: undefined,
    dryRun: false,
    now
  })
})

t.test('a Namespace is reviewed in itself; the name falls back to the object', async (t) => {
  const created = reviewOf(namespaceObject('team-red'))
  delete created.request.name
  t.match(decodeReview(created, now).subject, { namespace: 'team-red', name: 'team-red' })
  const deleted = reviewOf(namespaceObject('team-red'), { operation: 'DELETE' })
  delete deleted.request.name
  t.match(decodeReview(deleted, now).subject, { namespace: 'team-red', name: 'team-red', operation: 'DELETE', oldObject: { metadata: { name: 'team-red' } } })
  const clusterScoped = reviewOf({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'view' } })
  t.match(decodeReview(clusterScoped, now).subject, { namespace: undefined, kind: { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' } })
})

t.test('untrusted details are read defensively', async (t) => {
  const body = reviewOf(service({}), { dryRun: true, subResource: 'status', operation: 'UPDATE', oldObject: service({}) })
  body.request.userInfo = { username: 7, groups: ['ok', 3, null] }
  body.request.kind = { kind: 'Service', version: 'v1' }
  const decoded = decodeReview(body, now)
  t.same(decoded.subject.user, { username: '', groups: ['ok'] })
  t.same(decoded.subject.kind, { group: '', kind: 'Service' })
  t.equal(decoded.subject.dryRun, true)
  t.equal(decoded.subject.subResource, 'status')
  delete body.request.userInfo
  t.same(decodeReview(body, now).subject.user, { username: '', groups: [] })
})
