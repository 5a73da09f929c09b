import { compileGlobs, type GlobSet } from './glob.ts'

/**
 * Per-namespace entries of a policy setting (each entry names namespaces by glob), looked up for
 * one namespace without testing every entry: entries are filed under the plain names they list,
 * and only globs with a wildcard are tested. A policy with an entry for each of 10,000 tenant
 * namespaces costs a review what one with ten entries does. Pure.
 */
export class NamespaceEntries<T> {
  private readonly byName = new Map<string, number[]>()
  private readonly patterned: { readonly index: number, readonly match: GlobSet }[] = []
  private readonly entries: readonly T[]

  constructor (entries: readonly T[], namespacesOf: (entry: T) => readonly string[]) {
    this.entries = entries
    entries.forEach((entry, index) => {
      const wildcards: string[] = []
      for (const pattern of new Set(namespacesOf(entry))) {
        if (/[*?]/.test(pattern)) {
          wildcards.push(pattern)
        } else {
          const indexes = this.byName.get(pattern)
          if (indexes === undefined) this.byName.set(pattern, [index])
          else indexes.push(index)
        }
      }
      if (wildcards.length > 0) this.patterned.push({ index, match: compileGlobs(wildcards) })
    })
  }

  get size (): number {
    return this.entries.length
  }

  /** The entries that name `namespace`, in policy order. */
  matching (namespace: string | undefined): T[] {
    if (namespace === undefined) return []
    const indexes = new Set(this.byName.get(namespace))
    for (const { index, match } of this.patterned) if (match.matches(namespace)) indexes.add(index)
    return [...indexes].sort((a, b) => a - b).map((index) => this.entries[index] as T)
  }
}
