import type { KubeObject } from '../kube/types.ts'

// Field paths as findings write them: `spec.ports[0].nodePort`, `metadata.annotations["a/b"]`.

const SEGMENT = /\.?([^.[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y

/** The steps of a path: names and list indexes; undefined when it is not written as above. */
export function parseFieldPath (path: string): readonly (string | number)[] | undefined {
  const steps: (string | number)[] = []
  SEGMENT.lastIndex = 0
  while (SEGMENT.lastIndex < path.length) {
    const match = SEGMENT.exec(path)
    if (match === null) return undefined
    const [, name, index, quoted] = match
    steps.push(index !== undefined ? Number(index) : name ?? (quoted as string).replace(/\\(.)/g, '$1'))
  }
  return steps
}

/**
 * The value at `path`, or at the longest part of it that the object holds as JSON: a path into
 * embedded JSON (`spec.config.plugins[0].type`, inside the string spec.config) stops at the string.
 * Undefined where a step is missing.
 */
export function valueAt (object: KubeObject, steps: readonly (string | number)[]): unknown {
  let value: unknown = object
  for (const step of steps) {
    if (typeof value !== 'object' || value === null) return value
    value = (value as Record<string | number, unknown>)[step]
  }
  return value
}
