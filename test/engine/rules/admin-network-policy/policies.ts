import type { KubeObject } from '../../../../src/kube/types.ts'

/** An AdminNetworkPolicy with this name, priority and the rest of its spec. */
export function anp (name: string, priority: unknown, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name },
    spec: { priority, subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }, ...spec }
  }
}

/** The BaselineAdminNetworkPolicy (its name must be `default`). */
export function banp (spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec }
}

export const rule = (action: string, peers: readonly unknown[], extra: Record<string, unknown> = {}) => ({ action, ...extra, peers })
export const ingress = (...rules: { action: string, peers: readonly unknown[] }[]) =>
  ({ ingress: rules.map(({ peers, ...rest }) => ({ ...rest, from: peers })) })
export const egress = (...rules: { action: string, peers: readonly unknown[] }[]) =>
  ({ egress: rules.map(({ peers, ...rest }) => ({ ...rest, to: peers })) })
