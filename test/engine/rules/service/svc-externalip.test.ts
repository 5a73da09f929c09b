import t from 'tap'
import { contextFor, evaluate, policyWith } from '../../../helpers/policy.ts'

const service = (externalIPs: unknown[], namespace = 'shop') =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace }, spec: { ports: [{ port: 80 }], externalIPs } })
const found = (object: ReturnType<typeof service>, spec = '{}') =>
  evaluate(object, contextFor(object), policyWith(spec)).filter((v) => v.ruleId === 'SVC-EXTERNALIP')

t.test('no external IPs are allowed by default (CVE-2020-8554)', async (t) => {
  t.match(found(service(['203.0.113.7'])), [{ action: 'deny', path: 'spec.externalIPs[0]', message: 'spec.externalIPs[0] 203.0.113.7 is not in an allowed range in namespace shop' }])
  t.same(found(service([])), [])
})

t.test('allowed CIDRs, single addresses, IPv6 and per-namespace lists', async (t) => {
  const policy = 'rules: { SVC-EXTERNALIP: { allowedCidrs: ["203.0.113.0", "2001:db8::/64"], namespaceCidrs: [{ namespaces: ["edge-*"], cidrs: ["198.51.100.0/28"] }] } }'
  t.same(found(service(['203.0.113.0', '2001:db8::5']), policy), [])
  t.match(found(service(['203.0.113.1']), policy), [{ path: 'spec.externalIPs[0]' }])
  t.same(found(service(['198.51.100.3'], 'edge-1'), policy), [])
  t.match(found(service(['198.51.100.3'], 'shop'), policy), [{ path: 'spec.externalIPs[0]' }])
})

t.test('something that is not an address is named, never a crash', async (t) => {
  t.match(found(service(['not-an-ip', 42, '10.0.0.0/8'])), [
    { message: 'spec.externalIPs[0] "not-an-ip" is not an IP address' },
    { message: 'spec.externalIPs[1] 42 is not an IP address' },
    { message: 'spec.externalIPs[2] "10.0.0.0/8" is not an IP address' }
  ])
})
