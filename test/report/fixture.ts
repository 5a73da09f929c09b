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

/** The posture tests' cluster: examples/posture/cluster.yaml, the example report's input. */
export const REPORT_CLUSTER: readonly KubeObject[] = parseAllDocuments(readFileSync(new URL('../../examples/posture/cluster.yaml', import.meta.url), 'utf8'))
  .map((document) => document.toJS() as KubeObject)

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
