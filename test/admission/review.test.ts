import t from 'tap'
import { decodeReview } from '../../src/admission/review.ts'
import { exampleReview, namespaceObject, reviewOf, service } from '../helpers/review.ts'

const now = new Date('2026-11-26T12:00:00Z')

t.test('the review context: operation, kind, namespace, name, user, old object, dry run, clock', async (t) => {
  const body = exampleReview('service-clusterip-allowed')
  const { uid, object, context, subResource } = decodeReview(body, now)
  t.equal(uid, body.request.uid)
  t.equal(object, body.request.object)
  t.equal(subResource, undefined)
  t.same(context, {
    operation: 'CREATE',
    kind: { group: '', kind: 'Service' },
    namespace: 'shop',
    name: 'web',
    user: { username: 'alice', groups: ['developers', 'system:authenticated:oauth', 'system:authenticated'] },
    oldObject: undefined,
    dryRun: false,
    now
  })
})

t.test('a Namespace is reviewed in itself; the name falls back to the object', async (t) => {
  const created = reviewOf(namespaceObject('team-red'))
  delete created.request.name
  t.match(decodeReview(created, now).context, { namespace: 'team-red', name: 'team-red' })
  const deleted = reviewOf(namespaceObject('team-red'), { operation: 'DELETE' })
  delete deleted.request.name
  t.match(decodeReview(deleted, now).context, { namespace: 'team-red', name: 'team-red', operation: 'DELETE', oldObject: { metadata: { name: 'team-red' } } })
  const clusterScoped = reviewOf({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'view' } })
  t.match(decodeReview(clusterScoped, now).context, { namespace: undefined, kind: { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' } })
})

t.test('untrusted details are read defensively', async (t) => {
  const body = reviewOf(service({}), { dryRun: true, subResource: 'status', operation: 'UPDATE', oldObject: service({}) })
  body.request.userInfo = { username: 7, groups: ['ok', 3, null] }
  body.request.kind = { kind: 'Service', version: 'v1' }
  const decoded = decodeReview(body, now)
  t.same(decoded.context.user, { username: '', groups: ['ok'] })
  t.same(decoded.context.kind, { group: '', kind: 'Service' })
  t.equal(decoded.context.dryRun, true)
  t.equal(decoded.subResource, 'status')
  delete body.request.userInfo
  t.same(decodeReview(body, now).context.user, { username: '', groups: [] })
})
