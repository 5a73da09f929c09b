import Type from 'typebox'
import { clusterObjects, sameObject, WhenUnknownSchema } from '../../cluster.ts'
import { CONTENT_OPERATIONS, defineRule } from '../../rule.ts'
import type { KubeObject } from '../../../kube/types.ts'
import { FieldReader, metaOf } from '../../read.ts'
import { readService, SERVICE_KIND } from './service.ts'

type Selector = Readonly<Record<string, string>>

/**
 * The selector as key/value pairs, or undefined when the Service selects no pods itself. Read
 * through `reader` for the object under review; other Services' selectors are read quietly.
 */
function selectorOf (object: KubeObject, reader = new FieldReader()): Selector | undefined {
  const selector = reader.object(readService(object, reader).spec.selector, 'spec.selector')
  const entries = Object.entries(selector ?? {}).filter(([key, value]) => reader.string(value, `spec.selector["${key}"]`) !== undefined)
  return entries.length === 0 ? undefined : Object.fromEntries(entries) as Selector
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
  category: 'Ingress security',
  severity: 'low',
  settings: Type.Object({
    match: Type.Optional(Type.Enum(['identical', 'contains'], {
      description: 'identical: same key/value pairs; contains: every pair of the other selector is in this one (this Service selects pods the other already does)'
    })),
    whenUnknown: Type.Optional(WhenUnknownSchema)
  }),
  defaults: { match: 'identical', whenUnknown: 'warn' },
  compile: (settings) => settings,
  check (object, context, settings) {
    const reader = new FieldReader()
    const selector = selectorOf(object, reader)
    if (selector === undefined) return [...reader.problems]
    const existing = clusterObjects(context, SERVICE_KIND[0], settings.whenUnknown, context.namespace)
    if ('unknown' in existing) return [existing.unknown]
    const size = Object.keys(selector).length
    const clash = existing.objects.find((other) => {
      if (sameObject(other, object)) return false
      const theirs = selectorOf(other)
      if (theirs === undefined || !contains(selector, theirs)) return false
      return settings.match === 'contains' || Object.keys(theirs).length === size
    })
    if (clash === undefined) return [...reader.problems]
    const theirs = selectorOf(clash) as Selector
    return [...reader.problems, {
      path: 'spec.selector',
      message: `spec.selector ${format(selector)} ${Object.keys(theirs).length === size ? 'is the same as' : 'contains'} the selector ${format(theirs)} of Service ${metaOf(clash).name ?? ''}`,
      fix: 'select the pods through the existing Service, or give this Service a selector of its own'
    }]
  }
})
