import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { violations } from '../network-attachment/helpers.ts'
import { workload, WORKLOAD_KINDS } from './helpers.ts'

const found = (object: KubeObject, spec?: string) => violations('POD-HOSTPORT', object, spec)
const ports = (...list: unknown[]) => ({ spec: { containers: [{ name: 'app', ports: list }] } })

t.test('container ports without hostPort pass', async (t) => {
  t.same(found(workload('Pod', ports({ containerPort: 8080 }, { containerPort: 9090, hostPort: 0 }))), [])
  t.same(found(workload('Pod', { spec: { containers: [{ name: 'app' }, 'junk'], initContainers: 'junk' } })).map((violation) => violation.message), [
    'spec.containers[1] is the string "junk"; expected an object',
    'spec.initContainers is the string "junk"; expected a list'
  ], 'wrong types are findings of their own, never a crash')
})

t.test('any hostPort is denied, in every workload kind, at its path', async (t) => {
  for (const { kind, prefix } of WORKLOAD_KINDS) {
    const [violation, ...rest] = found(workload(kind, ports({ containerPort: 8080 }, { containerPort: 8443, hostPort: 443 })))
    t.same(rest, [], kind)
    t.match(violation, {
      ruleId: 'POD-HOSTPORT',
      action: 'deny',
      path: `${prefix}spec.containers[0].ports[1].hostPort`,
      message: `${prefix}spec.containers[0].ports[1].hostPort 443 opens a port on the node in namespace payments`,
      fix: 'remove hostPort and expose the pod through a Service'
    }, kind)
  }
})

t.test('init containers (sidecars) are checked too', async (t) => {
  const object = workload('Job', { spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'proxy', restartPolicy: 'Always', ports: [{ hostPort: 15001 }] }] } })
  t.same(found(object).map((v) => v.path), ['spec.template.spec.initContainers[0].ports[0].hostPort'])
})

t.test('a host-network pod is left to POD-HOSTNETWORK', async (t) => {
  const object = workload('Pod', { spec: { hostNetwork: true, containers: [{ name: 'a', ports: [{ containerPort: 53, hostPort: 53 }] }] } })
  t.same(found(object), [])
})

t.test('allowed namespaces (globs), action and DELETE', async (t) => {
  const object = workload('DaemonSet', ports({ containerPort: 9100, hostPort: 9100 }), 'monitoring-agents')
  t.same(found(object, 'rules: { POD-HOSTPORT: { allowedNamespaces: ["monitoring-*"] } }'), [])
  t.match(found(object, 'rules: { POD-HOSTPORT: { action: warn } }'), [{ action: 'warn' }])
  t.same(violations('POD-HOSTPORT', object, '{}', { operation: 'DELETE', oldObject: object }), [])
})

t.test('portMappings in the networks annotation open host ports through the portmap plugin', async (t) => {
  const template = { metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': '[{"name": "db-net", "portMappings": [{"hostPort": 8443, "containerPort": 8443}, {"containerPort": 80}]}]' } }, spec: { containers: [{ name: 'app' }] } }
  t.same(violations('POD-HOSTPORT', workload('Deployment', template)).map((violation) => violation.message), [
    'spec.template.metadata.annotations["k8s.v1.cni.cncf.io/networks"] asks the portmap plugin of db-net for host port 8443 in namespace payments'
  ])
  t.same(violations('POD-HOSTPORT', workload('Deployment', template), 'rules: { POD-HOSTPORT: { allowedNamespaces: [payments] } }'), [])
})
