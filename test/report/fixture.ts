import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { auditObjects } from '../../src/cli/audit-report.ts'
import { staticClusterView } from '../../src/cluster/static-view.ts'
import type { CompiledPolicy } from '../../src/engine/policy.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { loadPolicyDir } from '../../src/policy/load.ts'
import type { ReviewedObject } from '../../src/report/posture.ts'

const read = (name: string): KubeObject[] => parseAllDocuments(readFileSync(new URL(`../../examples/posture/${name}`, import.meta.url), 'utf8'))
  .map((document) => document.toJS() as KubeObject)

/** The example report's manifests and the NetworkPolicies netguard created (its --cluster-state). */
export const EXAMPLE_MANIFESTS = 'examples/posture/manifests.yaml'
export const EXAMPLE_STATE = 'examples/posture/cluster-state.yaml'

export const EXAMPLE_MANIFEST_OBJECTS: readonly KubeObject[] = read('manifests.yaml')

/** The posture tests' cluster: the example's manifests and cluster state together. */
export const REPORT_CLUSTER: readonly KubeObject[] = [...EXAMPLE_MANIFEST_OBJECTS, ...read('cluster-state.yaml')]

/** What the bundled policies add for the tests: an exception that waives SVC-NODEPORT in shop. */
export const EXCEPTION_POLICY = 'apiVersion: netguard.io/v1alpha1\nkind: NetworkGuardPolicy\nspec:\n  exceptions:\n    - { name: shop-edge, rules: [SVC-NODEPORT], namespaces: [shop], reason: edge nodes }\n'

/** The bundled policies plus EXCEPTION_POLICY, in a new temporary directory. */
export function policyDirWithException (): string {
  const dir = mkdtempSync(join(tmpdir(), 'netguard-report-policies-'))
  cpSync('policies', dir, { recursive: true })
  writeFileSync(join(dir, 'zz-exceptions.yaml'), EXCEPTION_POLICY)
  return dir
}

export async function reportPolicy (): Promise<CompiledPolicy> {
  return await loadPolicyDir(policyDirWithException())
}

/** The objects reviewed as `netguard audit` reviews them. */
export function auditReviewed (objects: readonly KubeObject[], policy: CompiledPolicy, now = new Date('2026-11-26T12:00:00Z')): ReviewedObject[] {
  return auditObjects(objects, policy, staticClusterView(objects), now).map(({ object, review, verdict }) => ({ object, review, exempt: verdict === 'exempt' }))
}
