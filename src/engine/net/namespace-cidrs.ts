import Type from 'typebox'
import { compileGlobs, type GlobSet } from '../glob.ts'
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

export function compileNamespaceCidrs (
  field: string,
  global: readonly string[],
  perNamespace: readonly { readonly namespaces: readonly string[], readonly cidrs: readonly string[] }[]
): NamespaceCidrs {
  const base = compileCidrs(field, global)
  const entries: { readonly match: GlobSet, readonly cidrs: AddressSet }[] = perNamespace.map((entry, index) => ({
    match: compileGlobs(entry.namespaces),
    cidrs: compileCidrs(`namespaceCidrs[${index}].cidrs`, entry.cidrs)
  }))
  return {
    forNamespace (namespace) {
      let allowed = base
      for (const entry of entries) {
        if (namespace !== undefined && entry.match.matches(namespace)) allowed = allowed.union(entry.cidrs)
      }
      return allowed
    }
  }
}
