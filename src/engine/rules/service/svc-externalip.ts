import Type from 'typebox'
import { AddressSet, parseAddress } from '../../net/address-set.ts'
import { compileNamespaceCidrs, NamespaceCidrsSchema } from '../../net/namespace-cidrs.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { inNamespace } from '../../messages.ts'
import { FieldReader, shown } from '../../read.ts'
import { readService, SERVICE_KIND } from './service.ts'

/** externalIPs let any tenant intercept traffic to an address (CVE-2020-8554): none by default. */
export const svcExternalIp = defineRule({
  type: 'validate',
  id: 'SVC-EXTERNALIP',
  kinds: SERVICE_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: 'spec.externalIPs outside the allowed CIDRs (none by default; CVE-2020-8554)',
  category: 'Multitenancy',
  severity: 'critical',
  settings: Type.Object({
    allowedCidrs: Type.Optional(Type.Array(Type.String(), { description: 'CIDRs (or single addresses) allowed in every namespace' })),
    namespaceCidrs: Type.Optional(NamespaceCidrsSchema)
  }),
  defaults: { allowedCidrs: [], namespaceCidrs: [] },
  compile: (settings) => compileNamespaceCidrs('allowedCidrs', settings.allowedCidrs, settings.namespaceCidrs),
  check (object, context, allowedCidrs) {
    const reader = new FieldReader()
    const addresses = reader.list(readService(object, reader).spec.externalIPs, 'spec.externalIPs')
    const allowed = allowedCidrs.forNamespace(context.namespace)
    const findings: Finding[] = [...reader.problems]
    for (const [index, text] of addresses.entries()) {
      const path = `spec.externalIPs[${index}]`
      const address = typeof text === 'string' ? parseAddress(text) : undefined
      if (address === undefined) {
        findings.push({ path, message: `${path} ${shown(text)} is not an IP address`, fix: 'remove it' })
      } else if (!allowed.covers(AddressSet.of([address]))) {
        findings.push({
          path,
          message: `${path} ${text} is not in an allowed range ${inNamespace(context)}`,
          fix: 'remove externalIPs (CVE-2020-8554) or ask a cluster admin to allow the range'
        })
      }
    }
    return findings
  }
})
