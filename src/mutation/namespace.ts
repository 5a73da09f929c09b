import type { KubeObject } from '../kube/types.ts'

/** The label that marks a namespace for default isolation, and its one isolating value. */
export const ISOLATION_LABEL = 'netguard.io/isolation'
export const ISOLATED = 'default-deny'

/** The namespace as it should be: labelled for isolation, every other label kept. Pure. */
export function desiredNamespace (namespace: KubeObject): KubeObject {
  const metadata = namespace.metadata ?? {}
  return { ...namespace, metadata: { ...metadata, labels: { ...metadata.labels, [ISOLATION_LABEL]: ISOLATED } } }
}

export function isolationLabel (object: KubeObject | undefined): string | undefined {
  return object?.metadata?.labels?.[ISOLATION_LABEL]
}
