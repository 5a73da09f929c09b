import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { violations } from '../network-attachment/helpers.ts'
import { workload, WORKLOAD_KINDS } from './helpers.ts'

const found = (object: KubeObject, spec?: string) => violations('POD-HOSTNETWORK', object, spec)
const hostNetwork = (value: unknown) => ({ spec: { hostNetwork: value, containers: [{ name: 'app' }] } })

t.test('pods on the pod network pass', async (t) => {
  t.same(found(workload('Pod', hostNetwork(false))), [])
  t.same(found(workload('Deployment', { spec: { containers: [] } })), [])
  t.match(found(workload('Pod', hostNetwork('true'))), [{ path: 'spec.hostNetwork', message: 'spec.hostNetwork is the string "true"; expected true or false' }],
    'only the boolean true means host network; any other value is a wrong type')
})

t.test('hostNetwork is denied in every workload kind, at the template path', async (t) => {
  for (const { kind, prefix } of WORKLOAD_KINDS) {
    const [violation, ...rest] = found(workload(kind, hostNetwork(true)))
    t.same(rest, [], kind)
    t.match(violation, {
      ruleId: 'POD-HOSTNETWORK',
      action: 'deny',
      path: `${prefix}spec.hostNetwork`,
      message: `${prefix}spec.hostNetwork true is not allowed in namespace payments; NetworkPolicy does not apply to host-network pods`,
      fix: 'remove hostNetwork and expose the pod through a Service'
    }, kind)
  }
})

t.test('allowed namespaces (globs), system namespaces, action and DELETE', async (t) => {
  const object = workload('DaemonSet', hostNetwork(true), 'node-agents')
  t.same(found(object, 'rules: { POD-HOSTNETWORK: { allowedNamespaces: ["node-*"] } }'), [])
  t.same(found(workload('DaemonSet', hostNetwork(true), 'openshift-sdn')), [], 'openshift-* is exempt by default')
  t.match(found(object, 'rules: { POD-HOSTNETWORK: { action: audit } }'), [{ action: 'audit' }])
  t.same(violations('POD-HOSTNETWORK', object, '{}', { operation: 'DELETE', oldObject: object }), [])
})
