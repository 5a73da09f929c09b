import ipaddr from 'ipaddr.js'

/**
 * Sets of IP addresses as sorted, disjoint, inclusive intervals per family. Parsing is done by
 * ipaddr.js; the interval arithmetic on bigints is what makes split worlds (`0.0.0.0/1` +
 * `128.0.0.0/1`) and carved-out worlds (`0.0.0.0/0` except `10.0.0.0/8`) count for what they
 * admit. IPv4-mapped IPv6 addresses (`::ffff:0:0/96`) are moved into the IPv4 family, so that an
 * IPv4 range cannot hide behind its IPv6 spelling.
 */
export type Family = 4 | 6

export interface Interval {
  readonly start: bigint
  readonly end: bigint
}

export interface Cidr {
  readonly family: Family
  readonly start: bigint
  readonly prefix: number
  readonly text: string
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 }
const MAPPED_START = 0xffff00000000n
const MAPPED_END = 0xffffffffffffn

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a host prefix); undefined if invalid.
 * Only the notation Kubernetes and the CNIs agree on is read: ipaddr.js alone would also take
 * `010.0.0.0` as octal (8.0.0.0, where Kubernetes reads 10.0.0.0), `0xa.0.0.0`, `167772160` and
 * `10.1`, so that an approved range could be claimed under a spelling that means another one.
 */
export function parseCidr (text: string): Cidr | undefined {
  const trimmed = text.trim()
  if (!isPlainNotation(trimmed)) return undefined
  let address: ipaddr.IPv4 | ipaddr.IPv6
  let prefix: number
  try {
    if (trimmed.includes('/')) {
      [address, prefix] = ipaddr.parseCIDR(trimmed)
    } else {
      address = ipaddr.parse(trimmed)
      prefix = address.kind() === 'ipv4' ? 32 : 128
    }
  } catch {
    return undefined
  }
  const family: Family = address.kind() === 'ipv4' ? 4 : 6
  const hostBits = BigInt(BITS[family] - prefix)
  const start = (bytesToBigInt(address.toByteArray()) >> hostBits) << hostBits
  return { family, start, prefix, text: trimmed }
}

/** Dotted-decimal IPv4 without leading zeros, IPv6 without a zone, a decimal prefix length. */
function isPlainNotation (text: string): boolean {
  const [address = '', prefix, ...rest] = text.split('/')
  if (rest.length > 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) return false
  if (!address.includes(':')) return ipaddr.IPv4.isValidFourPartDecimal(address)
  if (address.includes('%')) return false
  const embedded = address.slice(address.lastIndexOf(':') + 1)
  return !embedded.includes('.') || ipaddr.IPv4.isValidFourPartDecimal(embedded)
}

/** Parses a single address (no prefix); undefined if it is not an IP literal. */
export function parseAddress (text: string): Cidr | undefined {
  return text.includes('/') ? undefined : parseCidr(text)
}

/**
 * True for anything a resolver or an HTTP client could take for an IP address, including the
 * spellings parseCidr refuses (`0x7f.0.0.1`, `2130706433`, `127.1`): for refusing IP literals.
 */
export function isIpLiteral (text: string): boolean {
  return ipaddr.isValid(text.trim())
}

function bytesToBigInt (bytes: readonly number[]): bigint {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  return value
}

export class AddressSet {
  readonly v4: readonly Interval[]
  readonly v6: readonly Interval[]

  private constructor (v4: readonly Interval[], v6: readonly Interval[]) {
    this.v4 = v4
    this.v6 = v6
  }

  static readonly EMPTY = new AddressSet([], [])

  static of (cidrs: readonly Cidr[]): AddressSet {
    const v4: Interval[] = []
    const v6: Interval[] = []
    for (const cidr of cidrs) {
      const end = cidr.start + (1n << BigInt(BITS[cidr.family] - cidr.prefix)) - 1n
      if (cidr.family === 4) v4.push({ start: cidr.start, end })
      else splitMapped({ start: cidr.start, end }, v4, v6)
    }
    return new AddressSet(normalize(v4), normalize(v6))
  }

  /**
   * The addresses the CIDRs match for certain: as `of`, but an IPv6 range keeps no IPv4 part,
   * since a CNI matches IPv4 packets against IPv4 ranges only. Use `of` for what is admitted
   * (counted generously) and `narrow` for what is excepted or denied (counted sparingly), so
   * that `::/0` or `::ffff:0:0/96` can never stand in for an except or a deny of IPv4.
   */
  static narrow (cidrs: readonly Cidr[]): AddressSet {
    return new AddressSet(
      AddressSet.of(cidrs.filter((cidr) => cidr.family === 4)).v4,
      AddressSet.of(cidrs.filter((cidr) => cidr.family === 6)).v6
    )
  }

  /**
   * Every address from the first of `first` to the last of `last`: for two single addresses
   * (a whereabouts `range_start` and `range_end`) the inclusive range between them, which need not
   * be a CIDR. Undefined when the two are of different families or the range would run backwards.
   */
  static ofRange (first: Cidr, last: Cidr): AddressSet | undefined {
    const end = last.start + prefixSize(last.family, last.prefix) - 1n
    if (first.family !== last.family || end < first.start) return undefined
    const interval = { start: first.start, end }
    if (first.family === 4) return new AddressSet([interval], [])
    const v4: Interval[] = []
    const v6: Interval[] = []
    splitMapped(interval, v4, v6)
    return new AddressSet(v4, v6)
  }

  get isEmpty (): boolean {
    return this.v4.length === 0 && this.v6.length === 0
  }

  union (other: AddressSet): AddressSet {
    return new AddressSet(normalize([...this.v4, ...other.v4]), normalize([...this.v6, ...other.v6]))
  }

  minus (other: AddressSet): AddressSet {
    return new AddressSet(subtract(this.v4, other.v4), subtract(this.v6, other.v6))
  }

  /** Number of addresses of one family in the set. */
  size (family: Family): bigint {
    let total = 0n
    for (const { start, end } of family === 4 ? this.v4 : this.v6) total += end - start + 1n
    return total
  }

  /** True when every address of `other` is in this set. */
  covers (other: AddressSet): boolean {
    return other.minus(this).isEmpty
  }

  overlaps (other: AddressSet): boolean {
    return intersects(this.v4, other.v4) || intersects(this.v6, other.v6)
  }
}

function splitMapped (interval: Interval, v4: Interval[], v6: Interval[]): void {
  const { start, end } = interval
  if (end < MAPPED_START || start > MAPPED_END) {
    v6.push(interval)
    return
  }
  if (start < MAPPED_START) v6.push({ start, end: MAPPED_START - 1n })
  if (end > MAPPED_END) v6.push({ start: MAPPED_END + 1n, end })
  const from = start > MAPPED_START ? start : MAPPED_START
  const to = end < MAPPED_END ? end : MAPPED_END
  v4.push({ start: from - MAPPED_START, end: to - MAPPED_START })
}

function normalize (intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  const merged: Interval[] = []
  for (const next of sorted) {
    const last = merged[merged.length - 1]
    if (last !== undefined && next.start <= last.end + 1n) {
      if (next.end > last.end) merged[merged.length - 1] = { start: last.start, end: next.end }
    } else {
      merged.push(next)
    }
  }
  return merged
}

function subtract (from: readonly Interval[], remove: readonly Interval[]): Interval[] {
  const result: Interval[] = []
  for (const interval of from) {
    let pieces: Interval[] = [interval]
    // Only the cuts that reach the interval: found by binary search, so that a policy of
    // 10,000 ranges costs a review no more than one of 10.
    for (let index = firstEndingAtOrAfter(remove, interval.start); index < remove.length; index++) {
      const cut = remove[index] as Interval
      if (cut.start > interval.end) break
      pieces = pieces.flatMap((piece) => cutInterval(piece, cut))
    }
    result.push(...pieces)
  }
  return result
}

/** Index of the first of the sorted, disjoint `intervals` that ends at or after `address`. */
function firstEndingAtOrAfter (intervals: readonly Interval[], address: bigint): number {
  let low = 0
  let high = intervals.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((intervals[middle] as Interval).end < address) low = middle + 1
    else high = middle
  }
  return low
}

function cutInterval (piece: Interval, cut: Interval): Interval[] {
  if (cut.end < piece.start || cut.start > piece.end) return [piece]
  const left = cut.start > piece.start ? [{ start: piece.start, end: cut.start - 1n }] : []
  const right = cut.end < piece.end ? [{ start: cut.end + 1n, end: piece.end }] : []
  return [...left, ...right]
}

/** Each interval of the smaller set is looked up in the larger by binary search. */
function intersects (a: readonly Interval[], b: readonly Interval[]): boolean {
  const [few, many] = a.length <= b.length ? [a, b] : [b, a]
  return few.some((interval) => {
    const candidate = many[firstEndingAtOrAfter(many, interval.start)]
    return candidate !== undefined && candidate.start <= interval.end
  })
}

/** The number of addresses in a prefix of the given length: `prefixSize(4, 8)` is 2^24. */
export function prefixSize (family: Family, prefix: number): bigint {
  return 1n << BigInt(BITS[family] - prefix)
}

/** One spelling per address, to tell claims apart: `::ffff:192.0.2.1` is `192.0.2.1`, `2001:DB8::1` is `2001:db8::1`. */
export function addressKey (address: Cidr): string {
  const { v4, v6 } = AddressSet.of([address])
  const [family, interval] = v4.length > 0 ? [4, v4[0]] : [6, v6[0]]
  return `${family} ${String(interval?.start)}`
}
