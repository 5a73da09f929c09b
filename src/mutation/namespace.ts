import type { KubeObject } from '../kube/types.ts'

/** The default label that marks a namespace for isolation, and its one isolating value (policy `spec.isolation`). */
export const ISOLATION_LABEL = 'netguard.io/isolation'
export const ISOLATED = 'default-deny'

/** The namespace as it should be: labelled for isolation, every other label kept. Pure. */
export function desiredNamespace (namespace: KubeObject, label = ISOLATION_LABEL, value = ISOLATED): KubeObject {
  const metadata = namespace.metadata ?? {}
  return { ...namespace, metadata: { ...metadata, labels: { ...metadata.labels, [label]: value } } }
}

export function isolationLabel (object: KubeObject | undefined, label = ISOLATION_LABEL): string | undefined {
  return object?.metadata?.labels?.[label]
}
