import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { snapshotCluster } from '../cluster/snapshot.ts'
import { KUBE_API_OPTIONS, kubeApiWriteLimit } from '../config.ts'
import { reviewedKinds } from '../engine/review.ts'
import { MANAGED_BY_LABEL, MANAGED_BY_NETGUARD } from '../engine/rules/network-policy/network-policy.ts'
import { describeClusterConfig, findClusterConfig } from '../kube/cluster-config.ts'
import { isKubeError, openKubePort, type KubePort } from '../kube/port.ts'
import type { KubeObject } from '../kube/types.ts'
import { loadPolicyDir } from '../policy/load.ts'
import { auditMetrics, pushAuditMetrics } from './audit-metrics.ts'
import { auditObjects, renderJson, renderText, summarise } from './audit-report.ts'
import { EXIT_OPTIONS, exitUsage, exitCodeFor, exitPolicy } from './exit-policy.ts'
import { EXIT, type CliIO } from './io.ts'
import { DEFAULT_MAX_RESULTS, DEFAULT_REPORT_API, policyReports, renderReports, REPORT_APIS, REPORT_NAME, type ReportApi } from './policy-report.ts'
import { auditPostureHtml, POSTURE_OPTIONS, POSTURE_USAGE, postureFlags, writePosture } from './posture-output.ts'

const USAGE = `usage: netguard audit [options]

Lists every object the rules look at in the cluster (paged), reviews each as a CREATE through the
same rules as the webhook, as enforce mode would, and reports what enforcing would refuse: a
summary by namespace and by rule, then every finding.
Exit status: 0 nothing would be denied, 1 something would be denied (see --fail-on), 2 bad usage,
policy or cluster access. A scheduled audit reports with --exit-zero, so that a finding is not a failed Job.

options:
      --kubeconfig FILE   the cluster (default: $KUBECONFIG, ~/.kube/config, else the pod's service account)
      --policies DIR      policy directory (default: the bundled policies/)
  -o, --output FORMAT     text, json, policyreport (reports as YAML) or html (a self-contained posture report) (default: text)
      --write             create or update the reports in the cluster, delete netguard's stale ones
      --report-api API    the reports' API: wgpolicyk8s.io/v1alpha2 (PolicyReport, ClusterPolicyReport)
                          or openreports.io/v1alpha1 (Report, ClusterReport) (default: ${DEFAULT_REPORT_API})
      --pushgateway URL   push the results by namespace and rule to this Prometheus Pushgateway
      --max-results N     results per PolicyReport before it is split (default: ${DEFAULT_MAX_RESULTS})
      --chunk-size N      objects per list request (default: 500)
${exitUsage(26)}
${POSTURE_USAGE}
      --kube-api-qps N    --write: PolicyReport writes per second, sustained (default 20; env NETGUARD_KUBE_API_QPS)
      --kube-api-burst N  --write: writes at once above that after a quiet spell (default 30; env NETGUARD_KUBE_API_BURST)
  -h, --help              show this help`

const OUTPUTS = ['text', 'json', 'policyreport', 'html'] as const
type Output = typeof OUTPUTS[number]

export async function auditCommand (args: readonly string[], io: CliIO): Promise<number> {
  let values
  try {
    values = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        kubeconfig: { type: 'string' },
        policies: { type: 'string' },
        output: { type: 'string', short: 'o', default: 'text' },
        write: { type: 'boolean', default: false },
        'report-api': { type: 'string', default: DEFAULT_REPORT_API },
        pushgateway: { type: 'string' },
        'max-results': { type: 'string', default: String(DEFAULT_MAX_RESULTS) },
        'chunk-size': { type: 'string', default: '500' },
        ...EXIT_OPTIONS,
        ...POSTURE_OPTIONS,
        ...KUBE_API_OPTIONS,
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (error) {
    return usageError(io, (error as Error).message)
  }
  if (values.help === true) {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  const output = values.output as Output
  if (!OUTPUTS.includes(output)) return usageError(io, `--output must be one of ${OUTPUTS.join(', ')}, got "${values.output}"`)
  const api = values['report-api'] as ReportApi
  if (!Object.hasOwn(REPORT_APIS, api)) return usageError(io, `--report-api must be one of ${Object.keys(REPORT_APIS).join(', ')}, got "${values['report-api']}"`)
  const pushgateway = values.pushgateway === undefined ? undefined : httpUrl(values.pushgateway)
  if (pushgateway === null) return usageError(io, `--pushgateway must be an http or https URL, got "${values.pushgateway}"`)
  const exit = exitPolicy(values)
  if (typeof exit === 'object') return usageError(io, exit.problem)
  const maxResults = positiveInteger(values['max-results'])
  const chunkSize = positiveInteger(values['chunk-size'])
  if (maxResults === undefined) return usageError(io, `--max-results must be a positive integer, got "${values['max-results']}"`)
  if (chunkSize === undefined) return usageError(io, `--chunk-size must be a positive integer, got "${values['chunk-size']}"`)
  let writeLimit
  try {
    writeLimit = kubeApiWriteLimit(values, io.env)
  } catch (error) {
    return usageError(io, (error as Error).message)
  }

  const posture = await postureFlags(values, output)
  if (typeof posture === 'string') return usageError(io, posture)
  const source = findClusterConfig({ kubeconfig: values.kubeconfig, env: io.env, home: io.env.HOME ?? homedir(), exists: existsSync })
  if (source === undefined) return failure(io, 'no cluster to audit: give --kubeconfig, set $KUBECONFIG, or run in a pod')
  try {
    const policy = await loadPolicyDir(values.policies ?? fileURLToPath(new URL('../../policies/', import.meta.url)), { ownNamespace: io.env.NETGUARD_NAMESPACE })
    const port = await openKubePort(source, { writeLimit })
    const now = new Date()
    const snapshot = await snapshotCluster(port, reviewedKinds(policy), chunkSize)
    const audited = auditObjects(snapshot.objects, policy, snapshot.view, now)
    const summary = summarise(audited, snapshot.kinds, policy.mode)
    const reports = output === 'policyreport' || values.write ? policyReports(audited, now, { api, maxResults }) : []
    if (output === 'text') io.stdout.write(renderText(summary, audited))
    else if (output === 'json') io.stdout.write(renderJson(summary, audited))
    else if (output === 'html') {
      const failed = await writePosture(io, 'audit', auditPostureHtml(audited, summary, { source: describeClusterConfig(source), now, policy }, posture), posture)
      if (failed !== undefined) return failed
    } else io.stdout.write(renderReports(reports))
    if (values.write) {
      const applied = await applyReports(port, api, reports)
      io.stderr.write(`netguard audit: ${REPORT_APIS[api].namespaced.kind}s ${applied.created} created, ${applied.updated} updated, ${applied.deleted} deleted\n`)
    }
    if (pushgateway !== undefined) await pushAuditMetrics(pushgateway, auditMetrics(audited, now))
    return exitCodeFor(audited.map((object) => object.verdict), exit)
  } catch (error) {
    return failure(io, describeError(error, api))
  }
}

/**
 * Creates or replaces each report, then deletes netguard's audit reports that this run did not
 * produce (a namespace that is clean now, a series that got shorter).
 */
async function applyReports (port: KubePort, api: ReportApi, reports: readonly KubeObject[]): Promise<{ created: number, updated: number, deleted: number }> {
  const { namespaced, cluster } = REPORT_APIS[api]
  const counts = { created: 0, updated: 0, deleted: 0 }
  const wanted = new Set(reports.map(reportKey))
  for (const report of reports) {
    const resource = report.metadata?.namespace === undefined ? cluster : namespaced
    const existing = await port.get(resource, report.metadata?.name ?? '', report.metadata?.namespace)
    if (existing === undefined) {
      await port.create(resource, report)
      counts.created++
    } else {
      await port.replace(resource, { ...report, metadata: { ...existing.metadata, ...report.metadata, resourceVersion: existing.metadata?.resourceVersion } })
      counts.updated++
    }
  }
  for (const resource of [namespaced, cluster]) {
    const { items } = await port.list(resource, { labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_NETGUARD}` })
    for (const stale of items) {
      const name = stale.metadata?.name ?? ''
      if (wanted.has(reportKey(stale)) || !(name === REPORT_NAME || name.startsWith(`${REPORT_NAME}-`))) continue
      await port.delete(resource, name, stale.metadata?.namespace)
      counts.deleted++
    }
  }
  return counts
}

function reportKey (report: KubeObject): string {
  return `${report.kind ?? ''}/${report.metadata?.namespace ?? ''}/${report.metadata?.name ?? ''}`
}

function describeError (error: unknown, api: ReportApi): string {
  const { namespaced, cluster } = REPORT_APIS[api]
  const reportPath = new RegExp(`/(${namespaced.plural}|${cluster.plural})\\b`)
  if (isKubeError(error, 404) && reportPath.test(error.message)) {
    return `the cluster has no ${namespaced.kind} API (${api}): install its CRDs to use --write, or choose the other API with --report-api`
  }
  if (isKubeError(error, 422) && reportPath.test(error.message) && /severity/.test(error.message)) {
    return `${error.message}\nthe cluster's ${namespaced.kind} CRD predates the severities critical and info: update the CRDs to the current published types`
  }
  return error instanceof Error ? error.message : String(error)
}

function positiveInteger (text: string): number | undefined {
  const value = Number(text)
  return Number.isInteger(value) && value > 0 ? value : undefined
}

/** The URL, if it is an http or https one; else null. */
function httpUrl (text: string): URL | null {
  const url = URL.canParse(text) ? new URL(text) : undefined
  return url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') ? url : null
}

function usageError (io: CliIO, message: string): number {
  io.stderr.write(`netguard audit: ${message}\n\n${USAGE}\n`)
  return EXIT.usage
}

function failure (io: CliIO, message: string): number {
  io.stderr.write(`netguard audit: ${message}\n`)
  return EXIT.usage
}
