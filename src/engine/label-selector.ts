import type { LabelSelector } from '../kube/types.ts'

type Labels = Readonly<Record<string, unknown>>

/**
 * Whether a metav1.LabelSelector selects an object with these labels, as the API server reads
 * it: every matchLabels pair and every matchExpressions requirement must hold; an empty (or
 * absent) selector selects everything. A malformed selector (an unknown operator, values that are
 * not a list) selects nothing, since the API server would not have accepted it.
 */
export function selectorMatches (selector: unknown, labels: Labels | undefined): boolean {
  if (selector === undefined || selector === null) return true
  if (typeof selector !== 'object' || Array.isArray(selector)) return false
  const { matchLabels, matchExpressions } = selector as LabelSelector
  const has = (key: string): boolean => labels !== undefined && typeof labels[key] === 'string'
  if (matchLabels !== undefined && matchLabels !== null) {
    if (typeof matchLabels !== 'object') return false
    for (const [key, value] of Object.entries(matchLabels)) {
      if (!has(key) || labels?.[key] !== value) return false
    }
  }
  if (matchExpressions === undefined || matchExpressions === null) return true
  if (!Array.isArray(matchExpressions)) return false
  return matchExpressions.every((requirement) => {
    const { key, operator, values } = (requirement ?? {}) as { key?: unknown, operator?: unknown, values?: unknown }
    if (typeof key !== 'string') return false
    const list = Array.isArray(values) ? values : []
    switch (operator) {
      case 'In': return has(key) && list.includes(labels?.[key])
      case 'NotIn': return !has(key) || !list.includes(labels?.[key])
      case 'Exists': return has(key)
      case 'DoesNotExist': return !has(key)
      default: return false
    }
  })
}
