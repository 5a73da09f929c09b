/** Objects netguard creates and keeps (the default NetworkPolicies, its PolicyReports) carry this label. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by'
export const MANAGED_BY = 'netguard'

export function isManaged (object: { readonly metadata?: { readonly labels?: Readonly<Record<string, string>> } } | undefined): boolean {
  return object?.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY
}
