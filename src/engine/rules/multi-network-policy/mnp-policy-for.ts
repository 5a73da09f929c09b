import Type from 'typebox'
import { compileGlobs } from '../../glob.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { Finding } from '../../types.ts'
import { MNP_KIND, POLICY_FOR_ANNOTATION } from './multi-network-policy.ts'

const PATH = `metadata.annotations["${POLICY_FOR_ANNOTATION}"]`

/**
 * `k8s.v1.cni.cncf.io/policy-for` says which networks a MultiNetworkPolicy applies to: a comma
 * list of `namespace/name` or `name` (the policy's own namespace), spaces ignored, as both the
 * iptables implementation and OVN-Kubernetes read it. A network of another namespace is that
 * tenant's (pods may only join shared ones, POD-NETWORKS' sharedNamespaces, whose setting this
 * follows); without the annotation the policy applies to nothing while looking like protection.
 */
export const mnpPolicyFor = defineRule({
  type: 'validate',
  id: 'MNP-POLICY-FOR',
  kinds: MNP_KIND,
  operations: CONTENT_OPERATIONS,
  defaultAction: 'deny',
  summary: `${POLICY_FOR_ANNOTATION} missing or empty (the policy applies to no network), malformed, or naming a network of another namespace that is not shared (the sharedNamespaces of POD-NETWORKS)`,
  inherits: [{ rule: 'POD-NETWORKS', settings: ['sharedNamespaces'] }],
  settings: Type.Object({
    sharedNamespaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'namespaces (globs) whose networks any policy may name; default: those of POD-NETWORKS' }))
  }),
  defaults: { sharedNamespaces: [] },
  compile: (settings) => compileGlobs(settings.sharedNamespaces),
  check (object, context, shared) {
    const value = object.metadata?.annotations?.[POLICY_FOR_ANNOTATION]
    const names = typeof value === 'string' ? value.replaceAll(' ', '').split(',').filter((name) => name !== '') : []
    if (names.length === 0) {
      return [{
        path: PATH,
        message: `${PATH} ${value === undefined ? 'is missing' : 'names no network'}, so the policy applies to no network`,
        fix: `name the policy's networks, e.g. ${POLICY_FOR_ANNOTATION}: ${context.namespace ?? 'my-namespace'}/my-network`
      }]
    }
    const findings: Finding[] = []
    for (const name of names) {
      const parts = name.split('/')
      if (parts.length > 2 || parts.some((part) => part === '')) {
        findings.push({ path: PATH, message: `${PATH} entry ${JSON.stringify(name)} is not name or namespace/name`, fix: 'write each network as name or namespace/name, separated by commas' })
        continue
      }
      const namespace = parts.length === 2 ? parts[0] as string : context.namespace
      if (namespace === context.namespace || shared.matches(namespace ?? '')) continue
      findings.push({
        path: PATH,
        message: `${PATH} names ${name}, a network of another namespace`,
        fix: `name networks of namespace ${context.namespace ?? ''}${shared.patterns.length > 0 ? ` or of ${shared.patterns.join(', ')}` : ''}`
      })
    }
    return findings
  }
})
