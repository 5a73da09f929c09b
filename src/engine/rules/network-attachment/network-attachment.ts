import type { KubeObject, NetworkAttachmentDefinition } from '../../../kube/types.ts'
import type { Finding } from '../../types.ts'
import { parseCniConfig, type CniConfig } from './cni-config.ts'

export const NAD_KIND = [{ group: 'k8s.cni.cncf.io', kind: 'NetworkAttachmentDefinition' }] as const

const parsed = new WeakMap<KubeObject, CniConfig>()

/**
 * The object's `spec.config`, parsed once per object. Every NAD rule of a review calls this with
 * the same object and shares one parse; NAD-IPAM-OVERLAP's cluster objects, which the informer
 * cache keeps as the same objects until they change, are parsed once rather than on every review.
 * The memo holds the result of a pure function, keyed weakly by object identity: it changes no
 * verdict and goes away with the object.
 */
export function nadConfig (object: KubeObject): CniConfig {
  let config = parsed.get(object)
  if (config === undefined) {
    config = parseCniConfig((object as NetworkAttachmentDefinition).spec?.config)
    parsed.set(object, config)
  }
  return config
}

/**
 * Findings without repeats. Where Go's readers of spec.config disagree, each reading is judged
 * (CniConfig.plugins), and a field they agree on would otherwise be reported once per reading.
 */
export function distinctFindings (findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter((finding) => {
    const key = `${finding.path}\u0000${finding.message}`
    return !seen.has(key) && seen.add(key) !== undefined
  })
}
