import type { Change, Comparison, IsolationStatus, PostureDocument, PostureFinding } from './posture.ts'

// What changed since a previous report: findings, exposures and namespace isolation, each by an
// identity that ignores wording (a message may name a value that changed with the object).

/** How isolated a status is; exempt, terminating and unknown namespaces are not compared. */
const ISOLATION_RANK: Partial<Record<IsolationStatus, number>> = { 'not-isolated': 0, partial: 1, isolated: 2 }

/** The current report with what changed since the previous one. */
export function withComparison (current: PostureDocument, previous: PostureDocument | undefined): PostureDocument {
  return previous === undefined ? current : { ...current, compare: compareReports(previous, current) }
}

export function compareReports (previous: PostureDocument, current: PostureDocument): Comparison {
  const better: Change[] = []
  const worse: Change[] = []

  const findingKey = (finding: PostureFinding): string => [finding.ns, finding.kind, finding.name, finding.rule, finding.action, finding.path, finding.code ?? ''].join('\u0000')
  const findingChange = (finding: PostureFinding, gone: boolean): Change => ({
    what: 'finding',
    ns: finding.ns,
    object: `${finding.kind}/${finding.name}`,
    key: finding.rule,
    text: gone ? `${finding.action} no more: ${finding.message}` : `${finding.action}: ${finding.message}`
  })
  // Every finding gone is better and every new one worse, a waiver too: an exception is a risk accepted.
  diff(previous.findings, current.findings, findingKey,
    (gone) => better.push(findingChange(gone, true)),
    (added) => worse.push(findingChange(added, false)))

  type Exposed = PostureDocument['exposures'][number]
  const exposureKey = (exposure: Exposed): string => [exposure.ns, exposure.kind, exposure.name, exposure.type, exposure.path].join('\u0000')
  const exposureChange = (exposure: Exposed, gone: boolean): Change => ({
    what: 'exposure', ns: exposure.ns, object: `${exposure.kind}/${exposure.name}`, key: exposure.type, text: `${gone ? 'closed' : 'opened'}: ${exposure.what}`
  })
  diff(previous.exposures, current.exposures, exposureKey,
    (gone) => better.push(exposureChange(gone, true)),
    (added) => worse.push(exposureChange(added, false)))

  const before = new Map(previous.namespaces.map((namespace) => [namespace.name, namespace.isolation]))
  for (const namespace of current.namespaces) {
    const was = before.get(namespace.name)
    const rankNow = ISOLATION_RANK[namespace.isolation]
    const rankThen = was === undefined ? undefined : ISOLATION_RANK[was]
    if (rankNow === undefined || rankThen === undefined || rankNow === rankThen) continue
    const change: Change = { what: 'isolation', ns: namespace.name, object: '', key: namespace.isolation, text: `isolation ${was ?? ''} → ${namespace.isolation}` }
    ;(rankNow > rankThen ? better : worse).push(change)
  }
  return { previous: { generatedAt: previous.generatedAt, source: previous.source, summary: previous.summary }, better, worse }
}

function diff<T> (before: readonly T[], after: readonly T[], key: (item: T) => string, gone: (item: T) => void, added: (item: T) => void): void {
  const then = new Set(before.map(key))
  const now = new Set(after.map(key))
  for (const item of before) if (!now.has(key(item))) gone(item)
  for (const item of after) if (!then.has(key(item))) added(item)
}
