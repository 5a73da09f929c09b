import t from 'tap'
import { compileGlobs } from '../../../../src/engine/glob.ts'
import { allowancesIn, baseline, compilePerNamespace, describeGlobs, offer } from '../../../../src/engine/rules/network-attachment/allowances.ts'
import { fixture, nad, violations } from './helpers.ts'

t.test('one per-namespace list, shared by every NAD rule through a YAML anchor', async (t) => {
  const spec = `rules:
  NAD-CNI-TYPE:
    allowedTypes: [bridge]
    perNamespace: &per-namespace
      - namespaces: [payments]
        cniTypes: [macvlan]
        interfaces: [eth1]
        vlans: [50]
        cidrs: [192.168.50.0/24]
  NAD-MASTER: { perNamespace: *per-namespace }
  NAD-VLAN: { perNamespace: *per-namespace }
  NAD-IPAM-RANGE: { perNamespace: *per-namespace }
`
  const config = { cniVersion: '1.0.0', type: 'macvlan', master: 'eth1', vlan: 50, ipam: { type: 'whereabouts', range: '192.168.50.0/24' } }
  for (const rule of ['NAD-CNI-TYPE', 'NAD-MASTER', 'NAD-VLAN', 'NAD-IPAM-RANGE']) {
    t.same(violations(rule, nad(config, 'payments'), spec), [], `${rule} allows payments`)
    t.equal(violations(rule, nad(config, 'shop'), spec).length, 1, `${rule} refuses shop`)
  }
})

t.test('matching entries add up field by field; non-matching entries add nothing', async (t) => {
  const entries = compilePerNamespace([
    { namespaces: ['team-*'], interfaces: ['eth1'] },
    { namespaces: ['team-a'], interfaces: ['eth2'], vlans: [10, '20-29'] },
    { namespaces: ['other'], interfaces: ['eth9'] }
  ])
  const base = baseline({ interfaces: compileGlobs(['bond0']) })
  t.equal(describeGlobs(allowancesIn(base, entries, 'team-a'), 'interfaces'), 'bond0, eth1, eth2')
  t.equal(describeGlobs(allowancesIn(base, entries, 'team-b'), 'interfaces'), 'bond0, eth1')
  t.equal(describeGlobs(allowancesIn(base, entries, undefined), 'interfaces'), 'bond0', 'a cluster-scoped check gets the baseline only')
  t.same(allowancesIn(base, entries, 'team-a')[2]?.vlans, [{ min: 10, max: 10 }, { min: 20, max: 29 }])
})

t.test('long lists are shortened in messages; an empty one offers only the way out', async (t) => {
  const base = baseline({ cniTypes: compileGlobs(['a', 'b', 'c', 'd', 'e', 'f', 'a']) })
  t.equal(describeGlobs([base], 'cniTypes'), 'a, b, c, d, e, ...')
  t.equal(offer(describeGlobs([base], 'sysctls'), 'ask'), 'ask')
  t.equal(offer('eth1', 'ask'), 'use one of: eth1; or ask')
})

t.test('policy errors name the rule, the entry and the field', async (t) => {
  const object = nad(fixture('network-attachment', 'macvlan-whereabouts.json'))
  t.throws(() => violations('NAD-VLAN', object, 'rules: { NAD-VLAN: { perNamespace: [{ namespaces: [a], vlans: ["60-50"] }] } }'), {
    message: /NAD-VLAN\.perNamespace\[0\]\.vlans\[0\]: expected a VLAN id 1-4094 or a range such as 100-199, got "60-50"/
  })
  t.throws(() => violations('NAD-VLAN', object, 'rules: { NAD-VLAN: { allowedVlans: ["1-5000"] } }'), { message: /NAD-VLAN\.allowedVlans\[0\]/ })
  t.throws(() => violations('NAD-VLAN', object, 'rules: { NAD-VLAN: { allowedVlans: [0] } }'), { message: /NAD-VLAN\.allowedVlans\[0\]/ })
  t.throws(() => violations('NAD-MASTER', object, 'rules: { NAD-MASTER: { perNamespace: [{ namespaces: [a], masters: [eth1] }] } }'), {
    message: /NAD-MASTER\.perNamespace\[0\]\.masters: unknown field/
  })
  t.throws(() => violations('NAD-MASTER', object, 'rules: { NAD-MASTER: { perNamespace: [{ interfaces: [eth1] }] } }'), {
    message: /NAD-MASTER\.perNamespace\[0\]\.namespaces: is required/
  })
  t.throws(() => violations('NAD-CNI-TYPE', object, 'rules: { NAD-CNI-TYPE: { allowedDangerousSettings: [everything] } }'), {
    message: /NAD-CNI-TYPE\.allowedDangerousSettings\[0\]: expected one of "macvlan-passthru"/
  })
})
