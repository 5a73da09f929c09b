import Type from 'typebox'
import type { NetworkPolicy } from '../../../kube/types.ts'
import { clusterObjects, WhenUnknownSchema } from '../../cluster.ts'
import { compileGlobs } from '../../glob.ts'
import { isEmptySelector, readLabelSelector } from '../../label-selector.ts'
import { metaOf } from '../../read.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import { NETWORK_POLICY_KIND } from '../network-policy/network-policy.ts'
import { inNamespace } from '../../messages.ts'
import { POD_KINDS, podTemplate, type PodTemplate } from './pod-template.ts'

/** The template's labels; one whose value is not a string is no label (the API server refuses it). */
function labelsOf (template: PodTemplate | undefined): Readonly<Record<string, string>> {
  return metaOf({ metadata: template?.metadata }).labels
}

function sameLabels (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

function format (labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels).map(([key, value]) => `${key}: ${value}`).join(', ')}}`
}

/**
 * A workload must not start before a NetworkPolicy selects its pods: pods no policy selects
 * accept traffic from everywhere. Judged on the pod template, when a workload is created and when
 * its pod labels change; an UPDATE that keeps the labels (a new image, a scale) is not held up.
 */
export const podNetpolRequired = defineRule({
  type: 'validate',
  id: 'POD-NETPOL-REQUIRED',
  kinds: POD_KINDS,
  operations: CONTENT_OPERATIONS,
  reads: [NETWORK_POLICY_KIND[0]],
  defaultAction: 'off',
  judgesChanges: true,
  summary: 'a workload whose pods no NetworkPolicy in the namespace selects (needs cluster state)',
  category: 'Network isolation',
  severity: 'medium',
  settings: Type.Object({
    ignoreSelectAll: Type.Optional(Type.Boolean({
      description: 'policies with an empty podSelector (namespace defaults such as default-deny) do not count: each workload needs a policy of its own'
    })),
    allowedNamespaces: Type.Optional(Type.Array(Type.String(), { description: 'namespaces (globs) exempt from this rule' })),
    whenUnknown: Type.Optional(WhenUnknownSchema)
  }),
  defaults: { ignoreSelectAll: false, allowedNamespaces: [], whenUnknown: 'warn' },
  compile: (settings) => ({ ...settings, allowed: compileGlobs(settings.allowedNamespaces) }),
  check (object, context, settings) {
    const template = podTemplate(object, context)
    if (template === undefined || settings.allowed.matches(context.namespace ?? '')) return []
    const labels = labelsOf(template)
    if (context.operation === 'UPDATE' && context.oldObject !== undefined && sameLabels(labels, labelsOf(podTemplate(context.oldObject, context)))) return []
    const policies = clusterObjects(context, NETWORK_POLICY_KIND[0], settings.whenUnknown, context.namespace)
    if ('unknown' in policies) return [policies.unknown]
    const selected = policies.objects.some((policy) => {
      // A selector the API server would have refused selects nothing.
      const { selector } = readLabelSelector((policy as NetworkPolicy).spec?.podSelector, 'spec.podSelector')
      if (settings.ignoreSelectAll && isEmptySelector(selector)) return false
      return selector.matches(labels)
    })
    if (selected) return []
    const path = template.at('metadata.labels')
    return [{
      path,
      message: `no NetworkPolicy ${inNamespace(context)} selects these pods (${path} ${format(labels)})`,
      fix: 'create a NetworkPolicy whose spec.podSelector matches these labels first'
    }]
  }
})
