import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { inNamespace } from '../../messages.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import {
  allowancesIn, allowsGlob, baseline, compilePerNamespace, DangerousSettingsSchema, describeGlobs, offer, PerNamespaceSchema
} from '../network-attachment/allowances.ts'
import { asObject, asText, shown } from '../../read.ts'
import { EGRESS_ROUTER_KIND, routerSpec } from './egress-router.ts'

const MASTER_PATH = 'spec.networkInterface.macvlan.master'
const MODE_PATH = 'spec.networkInterface.macvlan.mode'

/**
 * The router's macvlan interface decides which physical network its traffic leaves on: the
 * same node interfaces NAD-MASTER allows (and, for passthru mode, the same dangerous setting
 * NAD-CNI-TYPE allows), unless set here.
 */
export const erInterface = defineRule({
  type: 'validate',
  id: 'ER-INTERFACE',
  kinds: EGRESS_ROUTER_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'a macvlan master that is not an allowed node interface (those of NAD-MASTER), no master at all, or macvlan mode Passthru where not allowed',
  inherits: [
    { rule: 'NAD-MASTER', settings: ['allowedInterfaces', 'perNamespace'] },
    { rule: 'NAD-CNI-TYPE', settings: ['allowedDangerousSettings'] }
  ],
  settings: Type.Object({
    allowedInterfaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'node interfaces (globs) allowed in every namespace; default: those of NAD-MASTER' })),
    allowedDangerousSettings: Type.Optional(DangerousSettingsSchema),
    perNamespace: Type.Optional(PerNamespaceSchema),
    allowInferredMaster: Type.Optional(Type.Boolean({ description: 'allow routers without master (the node interface on the address\'s subnet is then used)' }))
  }),
  defaults: { allowedInterfaces: [], allowedDangerousSettings: [], perNamespace: [], allowInferredMaster: false },
  compile: (settings) => ({
    base: baseline({ interfaces: compileGlobs(settings.allowedInterfaces), dangerousSettings: settings.allowedDangerousSettings }),
    perNamespace: compilePerNamespace(settings.perNamespace),
    allowInferredMaster: settings.allowInferredMaster
  }),
  check (object, context, { base, perNamespace, allowInferredMaster }) {
    const allowances = allowancesIn(base, perNamespace, context.namespace)
    const macvlan = asObject(asObject(routerSpec(object)['networkInterface'])?.['macvlan']) ?? {}
    const fix = offer(describeGlobs(allowances, 'interfaces'), 'ask a cluster admin to allow the interface')
    const findings: Finding[] = []
    const master = macvlan['master']
    const name = asText(master)
    if (master === undefined || master === null) {
      if (!allowInferredMaster) {
        findings.push({ path: MASTER_PATH, message: `${MASTER_PATH} is not set, so the node interface on the router's subnet is used, which cannot be checked against the allowed interfaces`, fix })
      }
    } else if (name === undefined) {
      findings.push({ path: MASTER_PATH, message: `${MASTER_PATH} ${shown(master)} is not an interface name`, fix })
    } else if (!allowsGlob(allowances, 'interfaces', name)) {
      findings.push({ path: MASTER_PATH, message: `${MASTER_PATH} ${name} is not an allowed interface ${inNamespace(context)}`, fix })
    }
    const mode = macvlan['mode']
    if (typeof mode === 'string' && mode.toLowerCase() === 'passthru' && !allowances.some((allowance) => allowance.dangerousSettings.includes('macvlan-passthru'))) {
      findings.push({
        path: MODE_PATH,
        message: `${MODE_PATH} ${mode} gives the router the whole node interface, which is not allowed ${inNamespace(context)}`,
        fix: 'use mode Bridge, or ask a cluster admin to allow macvlan-passthru'
      })
    }
    return findings
  }
})
