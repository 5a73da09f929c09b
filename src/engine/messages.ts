import type { ReviewContext } from './types.ts'

/** `in namespace shop`, or `in this namespace` for an object checked without one. */
export function inNamespace (context: ReviewContext): string {
  return context.namespace === undefined ? 'in this namespace' : `in namespace ${context.namespace}`
}
