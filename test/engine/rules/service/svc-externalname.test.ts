import t from 'tap'
import { contextFor, evaluate, policyWith } from '../../../helpers/policy.ts'

const external = (externalName: string, type = 'ExternalName') =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'alias', namespace: 'shop' }, spec: { type, externalName } })
const found = (object: ReturnType<typeof external>, spec = '{}') =>
  evaluate(object, contextFor(object), policyWith(spec)).filter((v) => v.ruleId === 'SVC-EXTERNALNAME')

t.test('cluster-internal names are denied, case and trailing dot notwithstanding', async (t) => {
  for (const name of ['localhost', 'LOCALHOST.', 'db.payments.svc', 'db.payments.svc.cluster.local', 'kubernetes.default.svc.cluster.local.']) {
    t.match(found(external(name)), [{ action: 'deny', path: 'spec.externalName', message: /cluster-internal name/ }], name)
  }
})

t.test('IP literals are denied', async (t) => {
  t.match(found(external('10.0.0.1')), [{ message: 'spec.externalName "10.0.0.1" is an IP address' }])
  t.match(found(external('[::1]')), [{ message: /is an IP address/ }])
})

t.test('external DNS names, other types and allowed namespaces pass', async (t) => {
  t.same(found(external('db.example.com')), [])
  t.same(found(external('localhost', 'ClusterIP')), [])
  t.same(found(external('localhost'), 'rules: { SVC-EXTERNALNAME: { allowedNamespaces: [shop] } }'), [])
  t.same(found(external('10.0.0.1'), 'rules: { SVC-EXTERNALNAME: { forbidIpLiterals: false } }'), [])
})
