import t from 'tap'
import { parseNetworksAnnotation } from '../../../../src/engine/rules/pod/networks-annotation.ts'

const selections = (text: string) => {
  const parsed = parseNetworksAnnotation(text)
  return parsed.problems.length > 0
    ? parsed
    : parsed.selections.map(({ name, namespace, interface: ifname, ips }) => ({ name, namespace, interface: ifname, ips: ips.map((ip) => ip.text) }))
}
const error = (text: string) => parseNetworksAnnotation(text).problems[0]

t.test('the comma list: name, namespace/name, name@interface, with spaces', async (t) => {
  t.same(selections('net1, shared-nets/storage@san0 ,db@net2'), [
    { name: 'net1', namespace: undefined, interface: undefined, ips: [] },
    { name: 'storage', namespace: 'shared-nets', interface: 'san0', ips: [] },
    { name: 'db', namespace: undefined, interface: 'net2', ips: [] }
  ])
  t.same(selections('/net1@'), [{ name: 'net1', namespace: undefined, interface: undefined, ips: [] }])
  t.same(selections('  '), [], 'a blank annotation asks for nothing')
})

t.test('the JSON list: namespace, interface (or interfaceRequest) and static IPs', async (t) => {
  t.same(selections('[{"name": "db", "namespace": "payments", "interface": "net1", "ips": ["192.168.50.5/24", "fd00:50::5"], "mac": "02:00:00:00:00:01"}, {"name": "x", "interfaceRequest": "net2", "namespace": ""}]'), [
    { name: 'db', namespace: 'payments', interface: 'net1', ips: ['192.168.50.5/24', 'fd00:50::5'] },
    { name: 'x', namespace: undefined, interface: 'net2', ips: [] }
  ])
  t.same(selections('[]'), [])
})

t.test('a malformed comma list names the entry and what is wrong', async (t) => {
  t.equal(error('a/b/c'), 'entry 1 "a/b/c" has more than one "/"; expected namespace/name@interface')
  t.equal(error('ok, a@b@c'), 'entry 2 "a@b@c" has more than one "@"; expected namespace/name@interface')
  t.equal(error('net1,'), 'entry 2 "" has no network name')
  t.equal(error('ns/@eth1'), 'entry 1 "ns/@eth1" has no network name')
  t.equal(error('Net_1'), 'entry 1 "Net_1": "Net_1" must be lower-case letters, digits and "-", starting and ending with a letter or digit')
  t.equal(error('-ns/net'), 'entry 1 "-ns/net": "-ns" must be lower-case letters, digits and "-", starting and ending with a letter or digit')
  t.equal(error('net@averyveryverylongname'), 'entry 1 "net@averyveryverylongname": interface "averyveryverylongname" must be at most 15 characters without "/" or spaces')
})

t.test('malformed JSON names the entry and the field', async (t) => {
  t.match(error('[{"name": "db"'), /^it is not valid JSON \(/)
  t.equal(error('{"name": "db"}'), 'it is JSON but not a list; expected [{"name": "..."}]')
  t.equal(error('["db"]'), 'entry 1 is a string; expected an object')
  t.equal(error('[null]'), 'entry 1 is null')
  t.equal(error('[{"namespace": "x"}]'), 'entry 1 has no name')
  t.equal(error('[{"name": "db", "namespace": 5}]'), 'entry 1: namespace is the number 5; expected a string')
  t.equal(error('[{"name": "db", "interface": 5}]'), 'entry 1: interface is the number 5; expected a string')
  t.equal(error('[{"name": "db", "interface": "a b"}]'), 'entry 1: interface "a b" must be at most 15 characters without "/" or spaces')
  t.equal(error('[{"name": "db", "ips": "10.0.0.1"}]'), 'entry 1: ips is a string; expected a list')
  t.equal(error('[{"name": "db"}, {"name": "x", "ips": ["10.0.0.300"]}]'), 'entry 2 ips entry "10.0.0.300" is not an IP address')
  t.equal(error('[{"name": "db", "ips": [7]}]'), 'entry 1: ips[0] is the number 7; expected a string')
})

t.test('the JSON list is read as Multus (Go) reads it: keys fold case, the last one wins', async (t) => {
  const parsed = parseNetworksAnnotation('[{"name": "db-net", "Namespace": "billing"}]')
  t.match(parsed.selections, [{ name: 'db-net', namespace: 'billing' }], 'Namespace is namespace')
  t.same(parsed.problems, ['entry 1: Namespace is read as namespace by Go; write namespace'])
  t.match(parseNetworksAnnotation('[{"name": "db", "namespace": "payments", "NAMESPACE": "billing"}]'), {
    selections: [{ namespace: 'billing' }],
    problems: ['entry 1: NAMESPACE and namespace are the same field to Go, and Go readers disagree on which one wins', 'entry 1: NAMESPACE is read as namespace by Go; write namespace']
  })
  t.match(parseNetworksAnnotation('[{"name": "db", "namespace": "billing", "namespace": null}]').selections, [{ namespace: 'billing' }], 'null leaves a string field alone')
  t.match(parseNetworksAnnotation('[{"name": "db", "naMeſpace": "billing"}]').selections, [{ namespace: 'billing' }], 'ſ folds onto s')
  t.match(parseNetworksAnnotation('[{"name": "db", "interfaceRequest": "net2"}]').selections, [{ interface: 'net2' }])
  t.match(parseNetworksAnnotation('[{"name": "db", "interface": "net1", "interfaceRequest": "net2"}]').selections, [{ interface: 'net1' }])
})

t.test('port mappings and pass-through fields are kept for the rules that judge them', async (t) => {
  const [selection] = parseNetworksAnnotation('[{"name": "db", "portMappings": [{"hostPort": 80, "containerPort": 8080}], "cni-args": {"promisc": true}, "deviceID": "0000:3b:02.1"}]').selections
  t.match(selection, { portMappings: [{ hostPort: 80, containerPort: 8080 }], passThrough: ['cni-args', 'deviceID'] })
  t.match(parseNetworksAnnotation('[{"name": "db", "cni-args": {}, "deviceID": ""}]').selections, [{ passThrough: [] }])
})
