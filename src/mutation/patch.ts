import jsonPatch from 'fast-json-patch'
import type { KubeObject } from '../kube/types.ts'

export interface PatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
  readonly path: string
  readonly value?: unknown
  readonly from?: string
}

/**
 * The RFC 6902 operations that turn `original` into `desired`. Diffing rather than writing
 * operations by hand is what creates an absent `metadata.labels` as a whole map and escapes a
 * key such as `netguard.io/isolation` as `netguard.io~1isolation`. Pure.
 */
export function diffPatch (original: KubeObject, desired: KubeObject): PatchOperation[] {
  return jsonPatch.compare(original, desired) as PatchOperation[]
}
