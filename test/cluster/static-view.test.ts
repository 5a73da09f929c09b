import t from 'tap'
import { staticClusterView } from '../../src/cluster/static-view.ts'

const object = (apiVersion: string, kind: string, name: string, namespace?: string) =>
  ({ apiVersion, kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }) } })

t.test('lists objects by kind, in one namespace or all, in the order given', async (t) => {
  const view = staticClusterView([
    object('v1', 'Service', 'a', 'shop'),
    object('networking.k8s.io/v1', 'Ingress', 'i', 'shop'),
    object('v1', 'Service', 'b', 'bank'),
    object('v1', 'Service', 'c', 'shop'),
    object('v1', 'Namespace', 'shop')
  ])
  const names = (list: readonly { metadata?: { name?: string } }[] | undefined) => list?.map((item) => item.metadata?.name)
  t.same(names(view.list({ group: '', kind: 'Service' })), ['a', 'b', 'c'])
  t.same(names(view.list({ group: '', kind: 'Service' }, 'shop')), ['a', 'c'])
  t.same(names(view.list({ group: '', kind: 'Service' }, 'none')), [])
  t.same(names(view.list({ group: '', kind: 'Namespace' })), ['shop'])
  t.same(names(view.list({ group: 'networking.k8s.io', kind: 'Ingress' }, 'shop')), ['i'])
})

t.test('every kind is known: a kind without objects is empty, not unknown', async (t) => {
  t.same(staticClusterView([]).list({ group: 'route.openshift.io', kind: 'Route' }), [])
})

t.test('kinds are matched by group, with the old extensions group folded into its successor', async (t) => {
  const view = staticClusterView([object('extensions/v1beta1', 'Ingress', 'old', 'shop'), object('example.com/v1', 'Service', 'crd', 'shop')])
  t.same(view.list({ group: 'networking.k8s.io', kind: 'Ingress' })?.length, 1)
  t.same(view.list({ group: '', kind: 'Service' }), [], 'a CRD named Service is another kind')
})
