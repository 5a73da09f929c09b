import { NAMESPACE_KIND_REF } from '../../cluster.ts'
import { describeReach, isOpenEnded, namespaceReach, readLabelSelector } from '../../label-selector.ts'
import type { Exemptions } from '../../rule.ts'
import type { Finding, ReviewContext } from '../../types.ts'

/** At most this many namespaces are named in one message. */
const NAMED = 3

const FIX = 'select the namespaces by name (kubernetes.io/metadata.name In [...]) or by a label only they carry, leaving the platform\'s out'

/**
 * What is wrong with the namespace selector of an object with cluster-wide reach (a
 * ClusterUserDefinedNetwork's namespaces, an admin network policy's subject), judged by what it
 * selects: every namespace, all but a few, or every one lacking some label (the platform's and
 * every one created later); or exempt (platform) namespaces, named by the selector or, among
 * those the cluster view knows, selected by it. These objects are admins', so the namespaces
 * are named.
 */
export function platformReach (value: unknown, path: string, context: ReviewContext, exemptions: Exemptions | undefined, what: string): Finding[] {
  const { selector, problems } = readLabelSelector(value, path)
  if (problems.length > 0) return problems.map((problem) => ({ ...problem, fix: 'write a label selector the API server accepts' }))
  const reach = namespaceReach(selector)
  if (isOpenEnded(reach)) {
    return [{ path, code: 'every-namespace', message: `${path} selects ${describeReach(reach)}, so ${what} reaches the platform's namespaces and every one created later`, fix: FIX }]
  }
  if (exemptions === undefined) return []
  const exempt = (name: string, labels: Readonly<Record<string, unknown>> | undefined): boolean =>
    exemptions.namespaces.matches(name) || exemptions.namespaceSelectors.some((matcher) => matcher.matches(labels))
  const named = reach.kind === 'named' ? reach.names.filter((name) => exemptions.namespaces.matches(name)) : []
  const selected = (context.cluster?.list(NAMESPACE_KIND_REF) ?? [])
    .filter((namespace) => selector.matches(namespace.metadata?.labels) && exempt(namespace.metadata?.name ?? '', namespace.metadata?.labels))
    .map((namespace) => namespace.metadata?.name ?? '')
  const platform = [...new Set([...named, ...selected])].sort()
  if (platform.length === 0) return []
  const more = platform.length > NAMED ? ` and ${platform.length - NAMED} more` : ''
  return [{
    path,
    code: 'exempt-namespaces',
    message: `${path} selects the exempt namespace${platform.length > 1 ? 's' : ''} ${platform.slice(0, NAMED).join(', ')}${more}, so ${what} reaches the platform`,
    fix: FIX
  }]
}
