import t from 'tap'
import { violationsOf } from '../network-policy/netpol.ts'
import { egressRouter } from './egress-router.ts'

const ALLOWED = `rules:
  NAD-MASTER:
    allowedInterfaces: ["bond0.*"]
    perNamespace:
      - namespaces: [shop]
        interfaces: [ens4]`
const found = (macvlan: unknown, policy = ALLOWED, namespace = 'shop') => violationsOf('ER-INTERFACE', egressRouter({ networkInterface: { macvlan } }, namespace), policy)

t.test('an allowed master passes, globally or for the namespace', async (t) => {
  t.same(found({ mode: 'Bridge', master: 'ens4' }), [])
  t.same(found({ mode: 'Private', master: 'bond0.120' }, ALLOWED, 'bank'), [])
})

t.test('another interface is denied, offering the allowed ones', async (t) => {
  t.same(found({ mode: 'Bridge', master: 'ens4' }, ALLOWED, 'bank'), [{
    ruleId: 'ER-INTERFACE',
    action: 'deny',
    path: 'spec.networkInterface.macvlan.master',
    message: 'spec.networkInterface.macvlan.master ens4 is not an allowed interface in namespace bank',
    fix: 'use one of: bond0.*; or ask a cluster admin to allow the interface'
  }])
  t.match(found({ mode: 'Bridge', master: 7 }), [{ message: 'spec.networkInterface.macvlan.master 7 is not an interface name' }])
  t.match(found({ mode: 'Bridge', master: 'eth0' }, '{}'), [{ fix: 'ask a cluster admin to allow the interface' }], 'NAD-MASTER allows no interface until one is named')
})

t.test('without master the interface is inferred from the address: denied unless allowed', async (t) => {
  const message = 'spec.networkInterface.macvlan.master is not set, so the node interface on the router\'s subnet is used, which cannot be checked against the allowed interfaces'
  t.match(found({ mode: 'Bridge' }), [{ path: 'spec.networkInterface.macvlan.master', message }])
  t.match(violationsOf('ER-INTERFACE', egressRouter({ networkInterface: undefined }), ALLOWED), [{ message }], 'no networkInterface at all: macvlan without master')
  t.same(found({ mode: 'Bridge' }, `${ALLOWED}\n  ER-INTERFACE:\n    allowInferredMaster: true`), [])
})

t.test('macvlan Passthru hands the router the whole interface: refused unless NAD-CNI-TYPE allows it', async (t) => {
  t.same(found({ mode: 'Passthru', master: 'ens4' }).map((v) => [v.path, v.message, v.fix]), [[
    'spec.networkInterface.macvlan.mode',
    'spec.networkInterface.macvlan.mode Passthru gives the router the whole node interface, which is not allowed in namespace shop',
    'use mode Bridge, or ask a cluster admin to allow macvlan-passthru'
  ]])
  t.same(found({ mode: 'Passthru', master: 'ens4' }, `${ALLOWED}\n      - namespaces: [shop]\n        dangerousSettings: [macvlan-passthru]`), [], 'per namespace')
  t.same(found({ mode: 'Passthru', master: 'ens4' }, `${ALLOWED}\n  NAD-CNI-TYPE:\n    allowedDangerousSettings: [macvlan-passthru]`), [], 'everywhere')
})
