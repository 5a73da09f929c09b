import Type from 'typebox'
import type { KubeObject } from '../../../kube/types.ts'
import { clusterObjects, derivedFrom, holderOf, holdersByClaim, sameObject, WhenUnknownSchema } from '../../cluster.ts'
import { addressKey, parseAddress } from '../../net/address-set.ts'
import { metaOf } from '../../read.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { EGRESS_IP_FIELDS, EGRESS_IP_KIND, egressIpSpec } from './egress.ts'

interface Claim {
  readonly path: string
  readonly text: string
  readonly key: string
}

/** The addresses an EgressIP asks for; entries that are not addresses are EGRESSIP-POOL's to report. */
function claimsOf (object: KubeObject): Claim[] {
  const addresses: unknown = egressIpSpec(object).egressIPs
  if (!Array.isArray(addresses)) return []
  return addresses.flatMap((text: unknown, index) => {
    const address = typeof text === 'string' ? parseAddress(text) : undefined
    return address === undefined ? [] : [{ path: `spec.egressIPs[${index}]`, text: address.text, key: addressKey(address) }]
  })
}

/**
 * OVN-Kubernetes assigns an egress IP to one EgressIP object: a second object asking for the same
 * address is not served, and the namespaces it selects lose the source address their partners
 * trust, or take over another team's. The first object to claim an address keeps it.
 */
export const egressIpUnique = defineRule({
  type: 'validate',
  id: 'EGRESSIP-UNIQUE',
  kinds: EGRESS_IP_KIND,
  operations: CONTENT_OPERATIONS,
  reads: [EGRESS_IP_KIND[0]],
  defaultAction: 'deny',
  fields: EGRESS_IP_FIELDS,
  summary: 'an egress IP listed twice, or already claimed by another EgressIP (needs cluster state)',
  category: 'Multitenancy',
  severity: 'high',
  settings: Type.Object({ whenUnknown: Type.Optional(WhenUnknownSchema) }),
  defaults: { whenUnknown: 'warn' },
  compile: (settings) => settings,
  check (object, context, settings) {
    const claims = claimsOf(object)
    if (claims.length === 0) return []
    const findings: Finding[] = []
    const first = new Map<string, Claim>()
    for (const claim of claims) {
      const earlier = first.get(claim.key)
      if (earlier === undefined) first.set(claim.key, claim)
      else findings.push({ path: claim.path, code: 'listed-twice', message: `${claim.path} ${claim.text} is already listed at ${earlier.path}`, fix: 'list each egress IP once' })
    }
    const existing = clusterObjects(context, EGRESS_IP_KIND[0], settings.whenUnknown)
    if ('unknown' in existing) return [...findings, existing.unknown]
    const holdersOf = derivedFrom(existing.objects, settings, (egressIps) => holdersByClaim(egressIps, (egressIp) => claimsOf(egressIp).map((claim) => claim.key)))
    const self = { metadata: { name: metaOf(object).name ?? context.name } }
    for (const claim of first.values()) {
      const holder = holdersOf.get(claim.key)?.find((other) => !sameObject(other, self))
      if (holder === undefined) continue
      const { named, full } = holderOf(holder, 'EgressIP', context)
      findings.push({
        path: claim.path,
        code: 'claimed',
        message: `${claim.path} ${claim.text} is already claimed by ${named}`,
        fix: 'pick a free address from the egress IP pool, or remove it from the other EgressIP first',
        detail: `held by ${full}`
      })
    }
    return findings
  }
})
