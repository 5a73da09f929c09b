import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule, SettingError } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import { FieldReader, shown } from '../../read.ts'
import { readService, SERVICE_KIND } from './service.ts'

interface PortRange { readonly from: number, readonly to: number }

/** `443` or `32000-33000` → a range; throws a SettingError naming the entry otherwise. */
function parsePortRange (text: string, index: number): PortRange {
  const match = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(text)
  const from = Number(match?.[1])
  const to = match?.[2] === undefined ? from : Number(match[2])
  if (match === null || from < 1 || to > 65535 || from > to) {
    throw new SettingError(['allowedPorts', index], `expected a port (443) or a range (32000-33000) within 1-65535, got "${text}"`)
  }
  return { from, to }
}

/**
 * The ports a Service exposes (`spec.ports[].port`) must lie in approved ranges, so that
 * firewalls and load balancers in front of the cluster can be set up for a known set of ports.
 * Off by default: which ports an organisation approves is its own choice.
 */
export const svcPortRange = defineRule({
  type: 'validate',
  id: 'SVC-PORT-RANGE',
  kinds: SERVICE_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'off',
  summary: 'a Service port (spec.ports[].port) outside the allowed ports or ranges',
  category: 'Ingress security',
  severity: 'low',
  settings: Type.Object({
    allowedPorts: Type.Optional(Type.Array(Type.String(), { description: 'ports and inclusive ranges, e.g. ["443", "32000-33000"]' })),
    types: Type.Optional(Type.Array(Type.String(), { description: 'Service types the rule applies to (absent type counts as ClusterIP)' })),
    allowedNamespaces: Type.Optional(Type.Array(Type.String(), { description: 'namespaces (globs) exempt from this rule' }))
  }),
  defaults: { allowedPorts: ['1-65535'], types: ['ClusterIP', 'NodePort', 'LoadBalancer'], allowedNamespaces: [] },
  compile: (settings) => ({
    ranges: settings.allowedPorts.map(parsePortRange),
    text: settings.allowedPorts.join(', '),
    types: new Set(settings.types),
    allowed: compileGlobs(settings.allowedNamespaces)
  }),
  check (object, context, settings) {
    if (settings.allowed.matches(context.namespace ?? '')) return []
    const reader = new FieldReader()
    const { spec, type } = readService(object, reader)
    if (!settings.types.has(type)) return [...reader.problems]
    const findings: Finding[] = []
    for (const [index, entry] of reader.list(spec.ports, 'spec.ports').entries()) {
      const port = reader.object(entry, `spec.ports[${index}]`)?.port
      if (typeof port === 'number' && settings.ranges.some((range) => port >= range.from && port <= range.to)) continue
      const path = `spec.ports[${index}].port`
      findings.push({
        path,
        message: `${path} ${shown(port ?? null)} of a ${type} Service is outside the allowed ports (${settings.text}) ${inNamespace(context)}`,
        fix: `expose the service on one of ${settings.text}`
      })
    }
    return [...reader.problems, ...findings]
  }
})
