import Type from 'typebox'
import { NamespaceEntries } from '../namespace-entries.ts'
import { AddressSet } from './address-set.ts'
import { compileCidrs } from './cidr-settings.ts'

/** Settings shape for "these CIDRs everywhere, plus these in matching namespaces". */
export const NamespaceCidrsSchema = Type.Array(Type.Object({
  namespaces: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'namespace globs' }),
  cidrs: Type.Array(Type.String())
}, { additionalProperties: false }))

export interface NamespaceCidrs {
  /** Everything allowed in the namespace: the global list joined with every matching entry. */
  forNamespace (namespace: string | undefined): AddressSet
}

/** Namespaces whose joined set is remembered; past this (a policy of many globs) it is recomputed. */
const REMEMBERED = 20_000

export function compileNamespaceCidrs (
  field: string,
  global: readonly string[],
  perNamespace: readonly { readonly namespaces: readonly string[], readonly cidrs: readonly string[] }[]
): NamespaceCidrs {
  const base = compileCidrs(field, global)
  const entries = new NamespaceEntries(perNamespace.map((entry, index) => ({
    namespaces: entry.namespaces,
    cidrs: compileCidrs(`namespaceCidrs[${index}].cidrs`, entry.cidrs)
  })), (entry) => entry.namespaces)
  // The join of a large global list with a namespace's own ranges is made once per namespace.
  const joined = new Map<string, AddressSet>()
  return {
    forNamespace (namespace) {
      if (namespace === undefined || entries.size === 0) return base
      let allowed = joined.get(namespace)
      if (allowed === undefined) {
        allowed = entries.matching(namespace).reduce((set, entry) => set.union(entry.cidrs), base)
        if (joined.size < REMEMBERED) joined.set(namespace, allowed)
      }
      return allowed
    }
  }
}
