import Type from 'typebox'
import { SettingError } from '../rule.ts'
import { AddressSet, parseCidr, prefixSize, type Cidr } from './address-set.ts'

/** Compiles a CIDR list from a policy setting; a bad entry names its index. */
export function compileCidrs (field: string, texts: readonly string[]): AddressSet {
  return AddressSet.of(texts.map((text, index) => requireCidr([field, index], text)))
}

export function requireCidr (path: readonly (string | number)[], text: string): Cidr {
  const cidr = parseCidr(text)
  if (cidr === undefined) throw new SettingError(path, `expected a CIDR such as 10.0.0.0/8 or 2001:db8::/32, got "${text}"`)
  return cidr
}

/** The most addresses per family that a range may admit before it counts as world-open. */
export interface OpenRangeLimit {
  readonly ipv4: bigint
  readonly ipv6: bigint
}

/** Setting shape for an OpenRangeLimit: prefix lengths per family, e.g. `{ ipv4: 8, ipv6: 32 }`. */
export function broadestRangeSchema (description: string) {
  return Type.Object({
    ipv4: Type.Integer({ minimum: 0, maximum: 32 }),
    ipv6: Type.Integer({ minimum: 0, maximum: 128 })
  }, { additionalProperties: false, description })
}

export function openRangeLimit (prefixes: { readonly ipv4: number, readonly ipv6: number }): OpenRangeLimit {
  return { ipv4: prefixSize(4, prefixes.ipv4), ipv6: prefixSize(6, prefixes.ipv6) }
}

export interface OpenRange {
  readonly family: 4 | 6
  readonly admitted: bigint
  readonly limit: bigint
}

/** The first family in which a set admits more addresses than the limit, if any. */
export function findOpenRange (set: AddressSet, limit: OpenRangeLimit): OpenRange | undefined {
  const v4 = set.size(4)
  if (v4 > limit.ipv4) return { family: 4, admitted: v4, limit: limit.ipv4 }
  const v6 = set.size(6)
  if (v6 > limit.ipv6) return { family: 6, admitted: v6, limit: limit.ipv6 }
  return undefined
}
