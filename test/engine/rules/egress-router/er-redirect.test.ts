import t from 'tap'
import { erRedirect } from '../../../../src/engine/rules/egress-router/er-redirect.ts'
import { contextFor } from '../../../helpers/policy.ts'
import { violationsOf } from '../network-policy/netpol.ts'
import { egressRouter } from './egress-router.ts'

const APPROVED = `rules:
  NETPOL-EGRESS-CIDR:
    approvedCidrs: ["10.0.0.0/24", "2001:db8:1::/48"]
    namespaceCidrs:
      - namespaces: ["shop"]
        cidrs: ["203.0.113.0/24", "192.0.2.1/32"]`
const found = (spec: Record<string, unknown> = {}, policy = APPROVED, namespace = 'shop') => violationsOf('ER-REDIRECT', egressRouter(spec, namespace), policy)
const redirect = (redirectRules: unknown, fallbackIP?: unknown) => ({ redirect: { redirectRules, ...(fallbackIP === undefined ? {} : { fallbackIP }) } })

t.test('destinations inside the namespace\'s approved egress CIDRs pass', async (t) => {
  t.same(found(), [])
  t.same(found(redirect([{ destinationIP: '2001:db8:1::7', port: 443, protocol: 'TCP' }])), [], 'IPv6')
  t.same(found(redirect([{ destinationIP: '::ffff:10.0.0.5', port: 443, protocol: 'TCP' }])), [], 'IPv4-mapped IPv6 counts as the IPv4 address')
})

t.test('a destination or fallback outside them is denied, per field', async (t) => {
  t.same(found({}, APPROVED, 'bank'), [
    {
      ruleId: 'ER-REDIRECT',
      action: 'deny',
      path: 'spec.redirect.redirectRules[1].destinationIP',
      message: 'spec.redirect.redirectRules[1].destinationIP 203.0.113.26 is outside the approved egress CIDRs in namespace bank',
      fix: 'redirect to an approved destination, or ask a cluster admin to approve it'
    },
    {
      ruleId: 'ER-REDIRECT',
      action: 'deny',
      path: 'spec.redirect.fallbackIP',
      message: 'spec.redirect.fallbackIP 192.0.2.1 is outside the approved egress CIDRs in namespace bank',
      fix: 'redirect to an approved destination, or ask a cluster admin to approve it'
    }
  ], 'the namespace entry of shop does not apply to bank')
  t.match(found(redirect([], '198.51.100.1')), [{ path: 'spec.redirect.fallbackIP' }], 'a fallback alone redirects everything')
})

t.test('it follows NETPOL-EGRESS-CIDR: one list for NetworkPolicy egress and egress routers', async (t) => {
  t.same(found({}, '{}', 'bank'), [], 'the shipped default approves everything')
  t.match(found({}, 'rules: { NETPOL-EGRESS-CIDR: { approvedCidrs: ["10.0.0.0/8"] } }'), [{ path: 'spec.redirect.redirectRules[1].destinationIP' }, { path: 'spec.redirect.fallbackIP' }])
  t.same(found({}, `${APPROVED}\n  ER-REDIRECT:\n    approvedCidrs: ["0.0.0.0/0"]`, 'bank'), [], 'its own setting wins over the inherited one')
  t.throws(() => found({}, 'rules: { NETPOL-EGRESS-CIDR: { approvedCidrs: ["ten"] } }'), {
    code: 'NG_ERR_POLICY_INVALID',
    message: /^invalid policy:\ntest-policy\.yaml:\d+: spec\.rules\.NETPOL-EGRESS-CIDR\.approvedCidrs\[0\]: expected a CIDR[^\n]*$/
  }, 'a bad inherited value is reported once, where it is written')
  t.throws(() => found({}, 'rules: { ER-REDIRECT: { approvedCidrs: ["ten"] } }'), { message: /spec\.rules\.ER-REDIRECT\.approvedCidrs\[0\]/ })
})

t.test('what is not an address is a finding, never a pass', async (t) => {
  t.same(found(redirect([{ port: 80, protocol: 'TCP' }, { destinationIP: '10.0.0.0/24' }, { destinationIP: 7 }, 'x'], '010.0.0.1')).map((v) => v.message), [
    'spec.redirect.redirectRules[0].destinationIP is missing',
    'spec.redirect.redirectRules[1].destinationIP "10.0.0.0/24" is not an IP address',
    'spec.redirect.redirectRules[2].destinationIP 7 is not an IP address',
    'spec.redirect.redirectRules[3].destinationIP is missing',
    'spec.redirect.fallbackIP "010.0.0.1" is not an IP address'
  ])
})

t.test('no redirect section, or one that is not an object, redirects nowhere', async (t) => {
  t.same(found({ redirect: undefined }), [])
  t.same(found({ redirect: 'all' }), [])
  t.same(found(redirect('all', null)), [])
  t.same(violationsOf('ER-REDIRECT', { ...egressRouter(), spec: [] }, APPROVED), [])
})

t.test('a router checked without a namespace gets only the global approved CIDRs', async (t) => {
  const object = egressRouter()
  const settings = erRedirect.compile({ approvedCidrs: ['10.0.0.0/24'], namespaceCidrs: [{ namespaces: ['*'], cidrs: ['0.0.0.0/0'] }] })
  const findings = erRedirect.type === 'validate' ? erRedirect.check(object, { ...contextFor(object), namespace: undefined }, settings) : []
  t.match(findings, [{ message: 'spec.redirect.redirectRules[1].destinationIP 203.0.113.26 is outside the approved egress CIDRs in this namespace' }, { path: 'spec.redirect.fallbackIP' }])
})
