/**
 * Glob patterns (`*` any run of characters, `?` one character) compiled once into a single
 * regular expression, so matching a list costs one test however long the list is.
 */
export interface GlobSet {
  readonly patterns: readonly string[]
  matches (value: string): boolean
}

const EMPTY: GlobSet = { patterns: [], matches: () => false }

export function compileGlobs (patterns: readonly string[], options: { ignoreCase?: boolean } = {}): GlobSet {
  if (patterns.length === 0) return EMPTY
  const source = patterns.map(globToRegExpSource).join('|')
  const regexp = new RegExp(`^(?:${source})$`, options.ignoreCase === true ? 'i' : '')
  return { patterns, matches: (value) => regexp.test(value) }
}

function globToRegExpSource (pattern: string): string {
  let source = ''
  for (const char of pattern) {
    if (char === '*') source += '.*'
    else if (char === '?') source += '.'
    else source += char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')
  }
  return source
}
