import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { fixture, violations } from '../network-attachment/helpers.ts'
import { withNetworks, workload, WORKLOAD_KINDS } from './helpers.ts'

const SPEC = `rules:
  POD-NETWORKS:
    sharedNamespaces: [shared-nets]
    perNamespace: [{ namespaces: [payments], cidrs: [192.168.50.0/24] }]
`
const found = (object: KubeObject, spec = SPEC) => violations('POD-NETWORKS', object, spec)
const messages = (object: KubeObject, spec?: string) => found(object, spec).map((v) => v.message)
const ANNOTATION = 'metadata.annotations["k8s.v1.cni.cncf.io/networks"]'

t.test('own-namespace and shared NADs, and static IPs inside the namespace\'s CIDRs, pass', async (t) => {
  t.same(found(fixture('pod', 'deployment-multus.json')), [])
  t.same(found(workload('Pod', withNetworks('payments-db@net1, payments/other, shared-nets/storage'))), [])
  t.same(found(workload('Pod', { spec: { containers: [] } })), [], 'no annotation, nothing to check')
})

t.test('a NAD in another namespace is denied, in every workload kind, at the template path', async (t) => {
  for (const { kind, prefix } of WORKLOAD_KINDS) {
    const [violation, ...rest] = found(workload(kind, withNetworks('shop/db')))
    t.same(rest, [], kind)
    t.match(violation, {
      ruleId: 'POD-NETWORKS',
      action: 'deny',
      path: `${prefix}${ANNOTATION}`,
      message: `${prefix}${ANNOTATION} names shop/db, a NetworkAttachmentDefinition in another namespace`,
      fix: 'use a NetworkAttachmentDefinition in namespace payments or in shared-nets'
    }, kind)
  }
  t.match(found(workload('Pod', withNetworks('[{"name": "db", "namespace": "shop"}]')), '{}'), [{ fix: 'use a NetworkAttachmentDefinition in namespace payments' }])
})

t.test('static IPs outside the namespace\'s CIDRs, or in a forbidden range, are denied', async (t) => {
  const object = workload('Deployment', withNetworks('[{"name": "db", "ips": ["192.168.51.5/24", "10.128.3.4", "192.168.50.9"]}]'))
  t.same(messages(object), [
    `spec.template.${ANNOTATION} asks for IP 192.168.51.5/24 on payments/db, outside the CIDRs allowed in namespace payments`,
    `spec.template.${ANNOTATION} asks for IP 10.128.3.4 on payments/db, inside the forbidden range 10.128.0.0/14`
  ])
  t.match(found(object), [{ fix: 'use one of: 192.168.50.0/24; or ask a cluster admin to assign this namespace a range' }, { fix: 'use an address outside 10.128.0.0/14' }])
  t.match(found(workload('Pod', withNetworks('[{"name": "db", "ips": ["192.168.50.9"]}]'), 'shop'))[0], {
    message: `${ANNOTATION} asks for IP 192.168.50.9 on shop/db, outside the CIDRs allowed in namespace shop`,
    fix: 'ask a cluster admin to assign this namespace a range'
  })
})

t.test('a malformed annotation is denied with a clear message', async (t) => {
  t.match(found(workload('Pod', withNetworks('payments/db/extra'))), [{
    path: ANNOTATION,
    message: `${ANNOTATION} is malformed: entry 1 "payments/db/extra" has more than one "/"; expected namespace/name@interface`,
    fix: 'write a comma list such as net1,shared-ns/net2@eth1 or a JSON list such as [{"name":"net1","interface":"eth1"}]'
  }])
  t.match(messages(workload('CronJob', withNetworks('[{"name": "db",'))), [/^spec\.jobTemplate\.spec\.template\.metadata.annotations\["k8s\.v1\.cni\.cncf\.io\/networks"\] is malformed: it is not valid JSON/])
  const notString = workload('Pod', { metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': ['db'] } } })
  t.same(messages(notString), [`${ANNOTATION} is malformed: it is not a string`])
})

t.test('replacing the cluster network is denied outside the allowed namespaces', async (t) => {
  const object = workload('Pod', withNetworks('', { 'v1.multus-cni.io/default-network': 'openshift-multus/other' }))
  t.match(found(object), [{
    path: 'metadata.annotations["v1.multus-cni.io/default-network"]',
    message: 'metadata.annotations["v1.multus-cni.io/default-network"] replaces the pod\'s cluster network, which is not allowed in namespace payments',
    fix: 'remove it; attach extra networks with k8s.v1.cni.cncf.io/networks instead'
  }])
  t.same(found(object, 'rules: { POD-NETWORKS: { defaultNetworkNamespaces: ["pay*"], sharedNamespaces: [openshift-multus] } }'), [])
  t.match(found(object, 'rules: { POD-NETWORKS: { defaultNetworkNamespaces: ["pay*"] } }'), [{
    message: 'metadata.annotations["v1.multus-cni.io/default-network"] names openshift-multus/other, a NetworkAttachmentDefinition in another namespace'
  }], 'where allowed, it is held to what the networks annotation is held to')
})

t.test('shared namespaces are globs; action and DELETE', async (t) => {
  const object = workload('StatefulSet', withNetworks('net-hub-east/storage'))
  t.same(found(object, 'rules: { POD-NETWORKS: { sharedNamespaces: ["net-hub-*"] } }'), [])
  t.same(found(object, 'rules: { POD-NETWORKS: { action: off } }'), [])
  t.same(violations('POD-NETWORKS', object, '{}', { operation: 'DELETE', oldObject: object }), [])
})

t.test('the JSON list is judged as Multus reads it: "Namespace" is namespace', async (t) => {
  const object = workload('Pod', withNetworks('[{"name": "db-net", "Namespace": "billing"}]'))
  t.same(messages(object), [
    `${ANNOTATION} is malformed: entry 1: Namespace is read as namespace by Go; write namespace`,
    `${ANNOTATION} names billing/db-net, a NetworkAttachmentDefinition in another namespace`
  ])
  t.same(messages(workload('Pod', withNetworks('[{"name": "db-net", "namespace": "payments", "nameſpace": "billing"}]')))
    .filter((message) => message.includes('another namespace')), [`${ANNOTATION} names billing/db-net, a NetworkAttachmentDefinition in another namespace`])
  t.same(messages(workload('Pod', withNetworks('[{"name": "db-net", "IPS": ["10.128.0.9"]}]')))
    .filter((message) => !message.includes('malformed')), [`${ANNOTATION} asks for IP 10.128.0.9 on payments/db-net, inside the forbidden range 10.128.0.0/14`])
})

t.test('cni-args and deviceID go to the plugins unvetted: denied unless the namespace may', async (t) => {
  const object = workload('Deployment', withNetworks('[{"name": "db-net", "cni-args": {"promisc": true}, "deviceID": "0000:3b:02.1"}]'))
  t.same(messages(object), [`spec.template.${ANNOTATION} hands cni-args and deviceID to the plugins of payments/db-net, which netguard cannot vet in namespace payments`])
  t.same(found(object, 'rules: { POD-NETWORKS: { passThroughNamespaces: [payments] } }'), [])
})

t.test('a new pod or a template presetting OVN-Kubernetes\' own address record is denied', async (t) => {
  const record = { 'k8s.ovn.org/pod-networks': '{"default":{"ip_addresses":["10.128.2.5/23"],"mac_address":"0a:58:0a:80:02:05"}}' }
  const pod = workload('Pod', withNetworks('', record))
  t.same(messages(pod), ['metadata.annotations["k8s.ovn.org/pod-networks"] presets the addresses OVN-Kubernetes gives the pod (it reads this annotation back)'])
  t.same(found(pod, SPEC).length, 1)
  t.same(violations('POD-NETWORKS', pod, SPEC, { operation: 'UPDATE', oldObject: pod }), [], 'OVN-Kubernetes itself writes it on the running pod')
  t.equal(found(workload('Deployment', withNetworks('', record))).length, 1)
})
