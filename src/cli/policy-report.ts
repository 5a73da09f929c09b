import { stringify } from 'yaml'
import { MANAGED_BY_LABEL, MANAGED_BY_NETGUARD } from '../engine/rules/network-policy/network-policy.ts'
import { apiVersionOf, CLUSTER_OPEN_REPORTS, CLUSTER_POLICY_REPORTS, OPEN_REPORTS, POLICY_REPORTS, type ResourceType } from '../kube/resources.ts'
import type { KubeObject } from '../kube/types.ts'
import type { AuditedObject, RuleOutcome } from './audit-report.ts'

/** Reports are named netguard-audit, netguard-audit-2, ... in each namespace (and cluster-wide). */
export const REPORT_NAME = 'netguard-audit'
/** Results per report; etcd refuses objects over 1.5 MiB, and a result is a few hundred bytes. */
export const DEFAULT_MAX_RESULTS = 1000
/** Every result and, in openreports.io, every report names netguard as its source. */
const SOURCE = 'netguard'

/**
 * The report APIs netguard writes: the Policy working group's wgpolicyk8s.io (Kyverno, Policy
 * Reporter) and its successor, openreports.io. Each has a namespaced and a cluster-wide kind.
 */
export const REPORT_APIS = {
  'wgpolicyk8s.io/v1alpha2': { namespaced: POLICY_REPORTS, cluster: CLUSTER_POLICY_REPORTS },
  'openreports.io/v1alpha1': { namespaced: OPEN_REPORTS, cluster: CLUSTER_OPEN_REPORTS }
} as const satisfies Record<string, { readonly namespaced: ResourceType, readonly cluster: ResourceType }>
export type ReportApi = keyof typeof REPORT_APIS
export const DEFAULT_REPORT_API: ReportApi = 'wgpolicyk8s.io/v1alpha2'

type Result = RuleOutcome['result']

/**
 * Reports of one API (one series per namespace, and one for cluster-scoped objects) with a result
 * per object and rule, as audit-report.ts made it, and the object's reference (with its uid).
 * Exempt objects get no results. A series is split into reports of at most `maxResults`. Pure.
 */
export function policyReports (audited: readonly AuditedObject[], now: Date, options: { readonly api?: ReportApi, readonly maxResults?: number } = {}): KubeObject[] {
  const api = REPORT_APIS[options.api ?? DEFAULT_REPORT_API]
  const maxResults = options.maxResults ?? DEFAULT_MAX_RESULTS
  const timestamp = { seconds: Math.floor(now.getTime() / 1000), nanos: 0 }
  const byScope = new Map<string | undefined, Record<string, unknown>[]>()
  for (const { ref, outcomes } of audited) {
    const results = byScope.get(ref.namespace) ?? []
    byScope.set(ref.namespace, results)
    const resource = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }), ...(ref.uid === undefined ? {} : { uid: ref.uid }) }
    for (const outcome of outcomes) {
      results.push({
        source: SOURCE,
        policy: outcome.policy,
        rule: outcome.rule,
        category: outcome.category,
        severity: outcome.severity,
        result: outcome.result,
        scored: outcome.scored,
        timestamp,
        message: outcome.message,
        resources: [resource],
        ...(Object.keys(outcome.properties).length === 0 ? {} : { properties: outcome.properties })
      })
    }
  }
  const reports: KubeObject[] = []
  for (const [namespace, results] of [...byScope].sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))) {
    for (let part = 0; part * maxResults < results.length; part++) {
      const chunk = results.slice(part * maxResults, (part + 1) * maxResults)
      const resource = namespace === undefined ? api.cluster : api.namespaced
      reports.push({
        apiVersion: apiVersionOf(resource),
        kind: resource.kind,
        metadata: {
          name: part === 0 ? REPORT_NAME : `${REPORT_NAME}-${part + 1}`,
          ...(namespace === undefined ? {} : { namespace }),
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY_NETGUARD }
        },
        ...(api.namespaced === OPEN_REPORTS ? { source: SOURCE } : {}),
        summary: summaryOf(chunk),
        results: chunk
      })
    }
  }
  return reports
}

/**
 * Reports as YAML documents. Results share their timestamp and resource objects, which the yaml
 * library would write as anchors and aliases (`&a1` / `*a1`): valid YAML, but kubectl users and
 * Policy Reporter's readers expect every result written out.
 */
export function renderReports (reports: readonly KubeObject[]): string {
  return reports.map((report) => stringify(report, { aliasDuplicateObjects: false })).join('---\n')
}

function summaryOf (results: readonly Record<string, unknown>[]): Record<Result, number> {
  const summary: Record<Result, number> = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 }
  for (const { result } of results) summary[result as Result]++
  return summary
}
