import type { NetworkPolicyPeer } from '../../../kube/types.ts'
import { AddressSet, parseCidr, type Cidr } from '../../net/address-set.ts'
import type { OpenRange } from '../../net/cidr-settings.ts'
import type { Finding } from '../../types.ts'

/** The addresses one ipBlock peer admits: its `cidr` minus its `except`s. */
export interface BlockAddresses {
  /** `spec.ingress[0].from[1].ipBlock` */
  readonly path: string
  readonly addresses: AddressSet
  /** `0.0.0.0/0 except 10.0.0.0/8`, as the user wrote it. */
  readonly text: string
}

export interface PeerAddresses {
  /** Every ipBlock peer that could be read. */
  readonly blocks: readonly BlockAddresses[]
  /** The union of what the blocks admit. */
  readonly addresses: AddressSet
  /** One finding per `cidr` or `except` that is not a CIDR. */
  readonly unreadable: readonly Finding[]
}

const CIDR_FIX = 'write a CIDR such as 203.0.113.0/24 or 2001:db8::/48'

/**
 * What a rule's ipBlock peers admit together. Each `except` cuts only its own block (a second
 * peer may well admit what the first one excepts). Blocks are counted generously and excepts
 * sparingly (AddressSet.narrow), so no spelling makes a block look smaller than it is. An
 * unreadable `except` cuts nothing; an unreadable `cidr` admits nothing and is reported.
 */
export function peerAddresses (peers: readonly NetworkPolicyPeer[], peersPath: string): PeerAddresses {
  const blocks: BlockAddresses[] = []
  const unreadable: Finding[] = []
  let addresses = AddressSet.EMPTY
  for (const [index, peer] of peers.entries()) {
    const block = peer.ipBlock
    if (block === undefined || block === null) continue
    const path = `${peersPath}[${index}].ipBlock`
    const cidr = readCidr(block.cidr, `${path}.cidr`, unreadable)
    const excepts = Array.isArray(block.except) ? block.except : []
    const cuts = excepts.flatMap((text, at) => readCidr(text, `${path}.except[${at}]`, unreadable) ?? [])
    if (cidr === undefined) continue
    const admitted = AddressSet.of([cidr]).minus(AddressSet.narrow(cuts))
    blocks.push({ path, addresses: admitted, text: excepts.length > 0 ? `${cidr.text} except ${excepts.join(', ')}` : cidr.text })
    addresses = addresses.union(admitted)
  }
  return { blocks, addresses, unreadable }
}

function readCidr (text: unknown, path: string, unreadable: Finding[]): Cidr | undefined {
  const cidr = typeof text === 'string' ? parseCidr(text) : undefined
  if (cidr === undefined) {
    const message = text === undefined ? `${path} is missing` : `${path} ${JSON.stringify(text)} is not a CIDR`
    unreadable.push({ path, message, fix: CIDR_FIX })
  }
  return cidr
}

/** The blocks as a short list for a message: the first few, then how many more. */
function describeBlocks (blocks: readonly BlockAddresses[], shown = 3): string {
  const listed = blocks.slice(0, shown).map((block) => block.text).join(', ')
  return blocks.length > shown ? `${listed} and ${blocks.length - shown} more` : listed
}

/** `spec.ingress[0].from admits 4278190080 IPv4 addresses (0.0.0.0/0 except 10.0.0.0/8); at most 16777216 allowed` */
export function openRangeFinding (peersPath: string, open: OpenRange, blocks: readonly BlockAddresses[], fix: string): Finding {
  const relevant = blocks.filter((block) => block.addresses.size(open.family) > 0n)
  return {
    path: peersPath,
    message: `${peersPath} admits ${open.admitted} IPv${open.family} addresses (${describeBlocks(relevant)}); at most ${open.limit} allowed`,
    fix
  }
}
