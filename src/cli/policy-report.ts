import { MANAGED_BY_LABEL, MANAGED_BY_NETGUARD } from '../engine/rules/network-policy/network-policy.ts'
import { apiVersionOf, CLUSTER_POLICY_REPORTS, POLICY_REPORTS } from '../kube/resources.ts'
import type { KubeObject } from '../kube/types.ts'
import type { AuditedObject } from './audit-report.ts'

/** Reports are named netguard-audit, netguard-audit-2, ... in each namespace (and cluster-wide). */
export const REPORT_NAME = 'netguard-audit'
/** Results per report; etcd refuses objects over 1.5 MiB, and a result is a few hundred bytes. */
export const DEFAULT_MAX_RESULTS = 1000

type Result = 'pass' | 'fail' | 'warn' | 'error' | 'skip'

/**
 * wgpolicyk8s.io/v1alpha2 PolicyReports (one series per namespace) and ClusterPolicyReports (for
 * cluster-scoped objects) with one result per object and rule: pass, fail (would deny), warn
 * (warning, audit or patch), skip (an exception) or error (the rule threw). Exempt objects get no
 * results. A series is
 * split into reports of at most `maxResults`. Pure.
 */
export function policyReports (audited: readonly AuditedObject[], now: Date, maxResults = DEFAULT_MAX_RESULTS): KubeObject[] {
  const timestamp = { seconds: Math.floor(now.getTime() / 1000), nanos: 0 }
  const byScope = new Map<string | undefined, Record<string, unknown>[]>()
  for (const { ref, outcomes } of audited) {
    const results = byScope.get(ref.namespace) ?? []
    byScope.set(ref.namespace, results)
    for (const outcome of outcomes) {
      results.push({
        policy: 'netguard',
        rule: outcome.rule,
        result: outcome.result,
        scored: true,
        source: 'netguard',
        timestamp,
        message: outcome.message,
        resources: [{ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }), ...(ref.uid === undefined ? {} : { uid: ref.uid }) }],
        ...(Object.keys(outcome.properties).length === 0 ? {} : { properties: outcome.properties })
      })
    }
  }
  const reports: KubeObject[] = []
  for (const [namespace, results] of [...byScope].sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))) {
    for (let part = 0; part * maxResults < results.length; part++) {
      const chunk = results.slice(part * maxResults, (part + 1) * maxResults)
      const resource = namespace === undefined ? CLUSTER_POLICY_REPORTS : POLICY_REPORTS
      reports.push({
        apiVersion: apiVersionOf(resource),
        kind: resource.kind,
        metadata: {
          name: part === 0 ? REPORT_NAME : `${REPORT_NAME}-${part + 1}`,
          ...(namespace === undefined ? {} : { namespace }),
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY_NETGUARD }
        },
        summary: summaryOf(chunk),
        results: chunk
      })
    }
  }
  return reports
}

function summaryOf (results: readonly Record<string, unknown>[]): Record<Result, number> {
  const summary: Record<Result, number> = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 }
  for (const { result } of results) summary[result as Result]++
  return summary
}
