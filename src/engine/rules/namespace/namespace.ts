export const NAMESPACE_KIND = [{ group: '', kind: 'Namespace' }] as const
