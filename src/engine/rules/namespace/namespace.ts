export const NAMESPACE_KIND = [{ group: '', kind: 'Namespace' }] as const

/** The label both webhook configurations skip: netguard is off in a namespace that carries it. */
export const IGNORE_LABEL = 'netguard.io/ignore'
/** OpenShift's run-level label: webhooks skip these namespaces too (the chart's namespaceSelector). */
export const RUN_LEVEL_LABEL = 'openshift.io/run-level'
