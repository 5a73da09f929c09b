import t from 'tap'
import { staticClusterView } from '../../src/cluster/static-view.ts'

// The contract every view keeps is in cluster-view.test.ts; here what only files need.

const object = (apiVersion: string, kind: string, name: string, namespace?: string) =>
  ({ apiVersion, kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }) } })

t.test('kinds are matched by group, with the old extensions group folded into its successor', async (t) => {
  const view = staticClusterView([object('extensions/v1beta1', 'Ingress', 'old', 'shop'), object('example.com/v1', 'Service', 'crd', 'shop')])
  t.same(view.list({ group: 'networking.k8s.io', kind: 'Ingress' })?.length, 1)
  t.same(view.list({ group: '', kind: 'Service' }), [], 'a CRD named Service is another kind')
})
