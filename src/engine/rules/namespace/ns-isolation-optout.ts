import Type from 'typebox'
import { ISOLATED, ISOLATION_LABEL, isolationLabel } from '../../../mutation/namespace.ts'
import { defineRule } from '../../rule.ts'
import { NAMESPACE_KIND } from './namespace.ts'

const PATH = `metadata.labels["${ISOLATION_LABEL}"]`
const FIX = `keep ${ISOLATION_LABEL}: ${ISOLATED}, or ask a cluster admin for an exception`

/** Tenants cannot quietly undo their namespace's isolation; exempt users and groups can. */
export const nsIsolationOptOut = defineRule({
  type: 'validate',
  id: 'NS-ISOLATION-OPTOUT',
  kinds: NAMESPACE_KIND,
  operations: ['CREATE', 'UPDATE'],
  defaultAction: 'deny',
  summary: 'removing the isolation label or setting it to anything but default-deny (e.g. none)',
  settings: Type.Object({}),
  defaults: {},
  compile: () => undefined,
  check (object, context) {
    const value = isolationLabel(object)
    if (value === ISOLATED) return []
    if (context.operation === 'CREATE') {
      if (value === undefined) return []
      return [{ path: PATH, message: `${PATH} ${JSON.stringify(value)} opts the namespace out of isolation`, fix: FIX }]
    }
    if (isolationLabel(context.oldObject) !== ISOLATED) return []
    const change = value === undefined ? 'removing' : `setting it to ${JSON.stringify(value)}`
    return [{ path: PATH, message: `${change === 'removing' ? 'removing ' + PATH : `${PATH}: ${change}`} opts the namespace out of isolation`, fix: FIX }]
  }
})
