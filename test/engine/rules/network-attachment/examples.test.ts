import t from 'tap'
import { parse } from 'yaml'
import { readFileSync } from 'node:fs'
import { RULES } from '../../../../src/engine/rules/index.ts'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { compilePolicy } from '../../../../src/policy/compile.ts'
import { parseSource } from '../../../../src/policy/parse.ts'
import { contextFor, evaluate } from '../../../helpers/policy.ts'
import { checkExamples, fixture, nad } from './helpers.ts'

const POLICIES = new URL('../../../../policies/', import.meta.url)

t.test('the example reviews get the verdict their names promise under the bundled policy', async (t) => {
  await checkExamples(t, 'networkattachmentdefinition-', {
    'networkattachmentdefinition-cluster-network-denied.json': [
      'deny NAD-MASTER spec.config.master',
      'deny NAD-IPAM-RANGE spec.config.ipam.range',
      'warn NAD-IPAM-OVERLAP ' // no cluster state offline
    ],
    'networkattachmentdefinition-host-device-denied.json': ['deny NAD-CNI-TYPE spec.config.type', 'deny NAD-MASTER spec.config.device'],
    'networkattachmentdefinition-no-config-denied.json': ['deny NAD-CONFIG spec.config'],
    'networkattachmentdefinition-sriov-allowed.json': [],
    'networkattachmentdefinition-sriov-trust-denied.json': [
      'deny NAD-CNI-TYPE spec.config.plugins[0].trust',
      'deny NAD-CNI-TYPE spec.config.plugins[0].spoofchk',
      'deny NAD-CNI-TYPE spec.config.plugins[1].promisc',
      'deny NAD-CNI-TYPE spec.config.plugins[1].sysctl["net.ipv4.ip_forward"]',
      'deny NAD-VLAN spec.config.plugins[0].vlan'
    ]
  })
})

t.test('multus.yaml and pods.yaml show every setting of their rules, at its default', async (t) => {
  for (const file of ['multus.yaml', 'pods.yaml']) {
    const rules = (parse(readFileSync(new URL(file, POLICIES), 'utf8')) as { spec: { rules: Record<string, Record<string, unknown>> } }).spec.rules
    for (const [id, { action, ...settings }] of Object.entries(rules)) {
      const rule = RULES.find((known) => known.id === id)
      t.equal(action, rule?.defaultAction, `${file} ${id} action`)
      t.same(settings, rule?.defaults, `${file} ${id} settings`)
    }
  }
})

t.test('policies/examples/multus-payments.yaml grants payments its network, and nothing to others', async (t) => {
  const { documents } = parseSource('multus-payments.yaml', readFileSync(new URL('examples/multus-payments.yaml', POLICIES), 'utf8'))
  const policy = compilePolicy(documents)
  const denials = (object: KubeObject) =>
    evaluate(object, contextFor(object), policy).filter((violation) => violation.action === 'deny').map((violation) => violation.ruleId)
  const config = fixture('network-attachment', 'macvlan-whereabouts.json')
  t.same(denials(nad({ ...config, vlan: 50 }, 'payments')), [])
  t.same(denials(nad({ ...config, vlan: 50 }, 'shop')), ['NAD-MASTER', 'NAD-VLAN', 'NAD-IPAM-RANGE'])
  t.same(denials(fixture('pod', 'deployment-multus.json')), [])
})
