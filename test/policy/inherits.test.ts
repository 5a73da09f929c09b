import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { RULES } from '../../src/engine/rules/index.ts'
import { policyWith } from '../helpers/policy.ts'

/** A settings schema without its descriptions, which may differ between the two rules. */
function shape (schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema ?? null, (key, value: unknown) => key === 'description' ? undefined : value))
}

t.test('every inherited setting exists, with the same schema, in both rules', async (t) => {
  const byId = new Map(RULES.map((rule) => [rule.id, rule]))
  const inheriting = RULES.filter((rule) => rule.inherits !== undefined)
  t.ok(inheriting.length > 0)
  for (const rule of inheriting) {
    for (const source of rule.inherits ?? []) {
      const from = byId.get(source.rule)
      t.ok(from, `${rule.id} inherits from ${source.rule}, a known rule`)
      t.not(source.rule, rule.id)
      for (const setting of source.settings) {
        const mine = rule.settings.properties[setting]
        t.ok(mine, `${rule.id} declares ${setting}`)
        t.same(shape(mine), shape(from?.settings.properties[setting]), `${rule.id}.${setting} has the schema of ${source.rule}.${setting}`)
      }
    }
  }
})

t.test('an inherited value comes from the followed rule\'s entry, else its defaults; the own entry wins', async (t) => {
  const settingsOf = (spec: string): unknown => {
    const policy = policyWith(spec)
    return policy.validations.get('EgressRouter.network.operator.openshift.io')?.find((configured) => configured.rule.id === 'ER-REDIRECT')?.settings
  }
  const inNamespace = (spec: string, namespace: string) => (settingsOf(spec) as { forNamespace: (ns: string) => { size: (family: 4 | 6) => bigint } }).forNamespace(namespace)
  t.equal(inNamespace('{}', 'shop').size(4), 2n ** 32n, 'NETPOL-EGRESS-CIDR\'s default approves all of IPv4')
  t.equal(inNamespace('rules: { NETPOL-EGRESS-CIDR: { approvedCidrs: [10.0.0.0/24] } }', 'shop').size(4), 256n)
  t.equal(inNamespace('rules: { NETPOL-EGRESS-CIDR: { approvedCidrs: [10.0.0.0/24] }, ER-REDIRECT: { approvedCidrs: [10.0.0.0/30] } }', 'shop').size(4), 4n)
  t.equal(inNamespace('rules: { NETPOL-EGRESS-CIDR: { namespaceCidrs: [{ namespaces: [shop], cidrs: [10.1.0.0/24] }], approvedCidrs: [] } }', 'shop').size(4), 256n, 'both inherited settings')
})

/** The policy files of the kinds added with inherited settings. */
const FAMILIES = ['egress-routers.yaml', 'user-defined-networks.yaml', 'multi-network-policies.yaml', 'admin-network-policies.yaml']

t.test('the bundled policies write no inherited setting (no second list), and the new families show their own at default', async (t) => {
  const files = readdirSync('policies').filter((file) => file.endsWith('.yaml'))
  const byId = new Map(RULES.map((rule) => [rule.id, rule]))
  for (const file of files) {
    const rules = (parse(readFileSync(`policies/${file}`, 'utf8')) as { spec: { rules?: Record<string, Record<string, unknown>> } }).spec.rules ?? {}
    for (const [id, { action, ...settings }] of Object.entries(rules)) {
      const rule = byId.get(id)
      const inherited = new Set(rule?.inherits?.flatMap((source) => source.settings) ?? [])
      t.same(Object.keys(settings).filter((setting) => inherited.has(setting)), [], `${file} ${id} leaves its inherited settings to the rule it follows`)
      if (!FAMILIES.includes(file)) continue
      t.equal(action, rule?.defaultAction, `${file} ${id} action`)
      const own = Object.fromEntries(Object.entries(rule?.defaults ?? {}).filter(([setting]) => !inherited.has(setting)))
      t.same(settings, own, `${file} ${id} shows its own settings at their defaults`)
    }
  }
})
