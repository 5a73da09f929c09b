import Type from 'typebox'
import { clusterObjects, sameObject, WhenUnknownSchema } from '../../cluster.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { KubeObject, Service } from '../../../kube/types.ts'
import { SERVICE_KIND } from './service.ts'

type Selector = Readonly<Record<string, string>>

/** The selector as key/value pairs, or undefined when the Service selects no pods itself. */
function selectorOf (object: KubeObject): Selector | undefined {
  const selector = (object as Service).spec?.selector
  if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) return undefined
  const entries = Object.entries(selector).filter(([, value]) => typeof value === 'string')
  return entries.length === 0 ? undefined : Object.fromEntries(entries)
}

/** Every pair of `inner` is in `outer`: `outer` selects a subset of the pods `inner` selects. */
function contains (outer: Selector, inner: Selector): boolean {
  return Object.entries(inner).every(([key, value]) => outer[key] === value)
}

function format (selector: Selector): string {
  return `{${Object.entries(selector).map(([key, value]) => `${key}: ${value}`).join(', ')}}`
}

/**
 * Two Services over the same pods split or duplicate their traffic, and a second Service is an
 * easy way to expose pods past the owner's Route and NetworkPolicy review. Selectors are only
 * compared within a namespace: a Service selects pods of its own namespace only.
 */
export const svcUniqueSelector = defineRule({
  type: 'validate',
  id: 'SVC-UNIQUE-SELECTOR',
  kinds: SERVICE_KIND,
  operations: CONTENT_OPERATIONS,
  reads: [SERVICE_KIND[0]],
  defaultAction: 'off',
  summary: 'a Service selector identical to (or containing) that of another Service in the namespace (needs cluster state)',
  settings: Type.Object({
    match: Type.Optional(Type.Enum(['identical', 'contains'], {
      description: 'identical: same key/value pairs; contains: every pair of the other selector is in this one (this Service selects pods the other already does)'
    })),
    whenUnknown: Type.Optional(WhenUnknownSchema)
  }),
  defaults: { match: 'identical', whenUnknown: 'warn' },
  compile: (settings) => settings,
  check (object, context, settings) {
    const selector = selectorOf(object)
    if (selector === undefined) return []
    const existing = clusterObjects(context, SERVICE_KIND[0], settings.whenUnknown, context.namespace)
    if ('unknown' in existing) return [existing.unknown]
    const size = Object.keys(selector).length
    const clash = existing.objects.find((other) => {
      if (sameObject(other, object)) return false
      const theirs = selectorOf(other)
      if (theirs === undefined || !contains(selector, theirs)) return false
      return settings.match === 'contains' || Object.keys(theirs).length === size
    })
    if (clash === undefined) return []
    const theirs = selectorOf(clash) as Selector
    return [{
      path: 'spec.selector',
      message: `spec.selector ${format(selector)} ${Object.keys(theirs).length === size ? 'is the same as' : 'contains'} the selector ${format(theirs)} of Service ${clash.metadata?.name ?? ''}`,
      fix: 'select the pods through the existing Service, or give this Service a selector of its own'
    }]
  }
})
