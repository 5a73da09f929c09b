import type { KubeObject } from '../../../../src/kube/types.ts'

export { violationsOf } from '../route/route-fixtures.ts'

/** A networking.k8s.io/v1 Ingress in namespace shop. */
export function ingress (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}, apiVersion = 'networking.k8s.io/v1'): KubeObject {
  return { apiVersion, kind: 'Ingress', metadata: { name: 'web', namespace: 'shop', ...metadata }, spec }
}

/** A rule for `host` (none when undefined) sending `paths` to Service web. */
export function rule (host: string | undefined, ...paths: string[]): Record<string, unknown> {
  return {
    ...(host === undefined ? {} : { host }),
    http: { paths: (paths.length === 0 ? ['/'] : paths).map((path) => ({ path, pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } })) }
  }
}
