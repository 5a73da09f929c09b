import { namespaceLabels } from '../../src/engine/cluster.ts'
import type { ClusterView } from '../../src/engine/types.ts'
import { EGRESS_IPS, INGRESSES, NAMESPACES, ROUTES, SERVICES, type ResourceType } from '../../src/kube/resources.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import type { TestContext } from '../helpers/tap.ts'

// The ClusterView contract (src/engine/types.ts), as one suite that every implementation passes:
// the informer caches, the audit listing and the --cluster-state files.

/** What every view under test is built from. */
export const CONTRACT_OBJECTS: readonly KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bank' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'bank' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' } },
  { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name: 'egress-a' } }
]

/** Kinds the views know: Routes have no object (and, in the API-server double, are not served). */
export const CONTRACT_KINDS: readonly ResourceType[] = [NAMESPACES, SERVICES, EGRESS_IPS, ROUTES]

export interface ContractOptions {
  /** The view knows every kind (a declared whole cluster), so no kind is unknown. */
  readonly knowsEveryKind?: boolean
}

const names = (objects: readonly KubeObject[] | undefined) => objects?.map((object) => `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`)

/** Holds a view built from CONTRACT_OBJECTS, knowing CONTRACT_KINDS, to the contract. */
export function clusterViewContract (t: TestContext, view: ClusterView, options: ContractOptions = {}): void {
  t.test('a Namespace is filed under its own name; the namespace selectors read its labels so', async (t) => {
    t.same(names(view.list(NAMESPACES, 'shop')), ['/shop'])
    t.same(names(view.list(NAMESPACES)), ['/bank', '/shop'])
    t.same(names(view.list(NAMESPACES, 'none')), [])
    const context = { kind: SERVICES, operation: 'CREATE', namespace: 'shop', oldObject: undefined, cluster: view } as const
    t.match(namespaceLabels({ ...context, user: { username: 'u', groups: [] }, name: 'web', dryRun: false, now: new Date(0) }), { team: 'a' })
  })

  t.test('namespaced objects are filed under their namespace, in order of namespace then name', async (t) => {
    t.same(names(view.list(SERVICES)), ['bank/api', 'shop/db', 'shop/web'])
    t.same(names(view.list(SERVICES, 'shop')), ['shop/db', 'shop/web'])
    t.same(names(view.list(SERVICES, 'none')), [], 'known, and nothing in that namespace')
  })

  t.test('other cluster-scoped objects are filed under no namespace', async (t) => {
    t.same(names(view.list(EGRESS_IPS)), ['/egress-a'])
    t.same(names(view.list(EGRESS_IPS, 'shop')), [])
  })

  t.test('a known kind without objects is empty; an unknown kind is undefined', async (t) => {
    t.same(view.list(ROUTES), [])
    t.same(view.list(ROUTES, 'shop'), [])
    if (options.knowsEveryKind === true) t.same(view.list(INGRESSES), [], 'this view knows every kind')
    else t.equal(view.list(INGRESSES), undefined)
  })

  t.test('objects carry apiVersion and kind; a list is the same array until the kind changes', async (t) => {
    t.match(view.list(SERVICES), [{ apiVersion: 'v1', kind: 'Service' }, { apiVersion: 'v1', kind: 'Service' }, { apiVersion: 'v1', kind: 'Service' }])
    t.match(view.list(EGRESS_IPS), [{ apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP' }])
    t.equal(view.list(SERVICES), view.list(SERVICES))
    t.equal(view.list(SERVICES, 'shop'), view.list(SERVICES, 'shop'))
  })
}
