import Type from 'typebox'
import { ISOLATED, ISOLATION_LABEL, isolationLabel } from '../../../mutation/namespace.ts'
import { defineRule } from '../../rule.ts'
import { NAMESPACE_KIND } from './namespace.ts'

/** Tenants cannot quietly undo their namespace's isolation; exempt users and groups can. */
export const nsIsolationOptOut = defineRule({
  type: 'validate',
  id: 'NS-ISOLATION-OPTOUT',
  kinds: NAMESPACE_KIND,
  operations: ['CREATE', 'UPDATE'],
  defaultAction: 'deny',
  fields: { metadata: 'object', 'metadata.labels': 'object', 'metadata.labels{}': 'string' },
  judgesChanges: true,
  summary: 'removing the isolation label or setting it to anything but its isolating value (e.g. none)',
  category: 'Network isolation',
  severity: 'high',
  settings: Type.Object({}),
  defaults: {},
  compile (_settings, shared) {
    const { label, value } = shared?.isolation ?? { label: ISOLATION_LABEL, value: ISOLATED }
    return { label, value, path: `metadata.labels["${label}"]`, fix: `keep ${label}: ${value}, or ask a cluster admin for an exception` }
  },
  check (object, context, { label, value: isolated, path, fix }) {
    const value = isolationLabel(object, label)
    if (value === isolated) return []
    if (context.operation === 'CREATE') {
      if (value === undefined) return []
      return [{ path, message: `${path} ${JSON.stringify(value)} opts the namespace out of isolation`, fix }]
    }
    if (isolationLabel(context.oldObject, label) !== isolated) return []
    const message = value === undefined ? `removing ${path}` : `${path}: setting it to ${JSON.stringify(value)}`
    return [{ path, message: `${message} opts the namespace out of isolation`, fix }]
  }
})
