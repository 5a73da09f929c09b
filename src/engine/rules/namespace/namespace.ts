import type { KubeObject } from '../../../kube/types.ts'
import type { Expected } from '../../read.ts'
export const NAMESPACE_KIND = [{ group: '', kind: 'Namespace' }] as const

/** The label both webhook configurations skip: netguard is off in a namespace that carries it. */
export const IGNORE_LABEL = 'netguard.io/ignore'
/** OpenShift's run-level label: webhooks skip these namespaces too (the chart's namespaceSelector). */
export const RUN_LEVEL_LABEL = 'openshift.io/run-level'

/** What the label guards read (read.ts wrongTypes). */
export const NAMESPACE_LABEL_FIELDS: Readonly<Record<string, Expected>> = { metadata: 'object', 'metadata.labels': 'object', 'metadata.labels{}': 'string' }

/** A Namespace's labels as text; an unreadable `metadata.labels` has none, a non-string value counts as its JSON. */
export function labelsOf (object: KubeObject | undefined): Map<string, string> {
  const labels: unknown = object?.metadata?.labels
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return new Map()
  return new Map(Object.entries(labels).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value) ?? 'null']))
}

/** A label's path and what a request does to it: `setting metadata.labels["team"] to "shop"`, `removing ...`, `changing ... from ... to ...`. */
export function labelChange (key: string, old: string | undefined, value: string | undefined): { readonly path: string, readonly change: string } {
  const path = `metadata.labels["${key}"]`
  const change = old === undefined
    ? `setting ${path} to ${JSON.stringify(value)}`
    : value === undefined ? `removing ${path}` : `changing ${path} from ${JSON.stringify(old)} to ${JSON.stringify(value)}`
  return { path, change }
}
