import type { Ingress, IngressBackend, IngressRule, IngressTls, KubeObject } from '../../../kube/types.ts'
import { metaOf } from '../../read.ts'

/** networking.k8s.io (v1, v1beta1) and the older extensions/v1beta1 serve the same Ingresses. */
export const INGRESS_KINDS = [{ group: 'networking.k8s.io', kind: 'Ingress' }, { group: 'extensions', kind: 'Ingress' }] as const

/** OKD's ingress-to-route controller reads this annotation for the generated Routes' termination. */
export const OKD_TERMINATION_ANNOTATION = 'route.openshift.io/termination'
const OKD_TERMINATIONS: ReadonlySet<string> = new Set(['edge', 'reencrypt', 'passthrough'])

export const CLASS_ANNOTATION = 'kubernetes.io/ingress.class'

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function ingressSpec (object: KubeObject): NonNullable<Ingress['spec']> {
  const spec = (object as Ingress).spec
  return isObject(spec) ? spec : {}
}

function objectsIn<T> (value: unknown): { readonly item: T, readonly index: number }[] {
  if (!Array.isArray(value)) return []
  return value.flatMap((item: unknown, index) => isObject(item) ? [{ item: item as T, index }] : [])
}

/** `spec.rules` entries that are objects, with their index for field paths. */
export function ingressRules (object: KubeObject): { readonly item: IngressRule, readonly index: number }[] {
  return objectsIn<IngressRule>(ingressSpec(object).rules)
}

export function tlsEntries (object: KubeObject): { readonly item: IngressTls, readonly index: number }[] {
  return objectsIn<IngressTls>(ingressSpec(object).tls)
}

/** A rule's host as written, or undefined when missing or empty (the rule then matches every host). */
export function ruleHost (rule: IngressRule): string | undefined {
  return typeof rule.host === 'string' && rule.host !== '' ? rule.host : undefined
}

/** The paths of a rule that are objects, with their index. */
export function rulePaths (rule: IngressRule): { readonly item: { readonly path?: unknown }, readonly index: number }[] {
  return isObject(rule.http) ? objectsIn(rule.http.paths) : []
}

/** `spec.defaultBackend` (v1) or `spec.backend` (v1beta1), with its field path. */
export function defaultBackend (object: KubeObject): { readonly path: string, readonly backend: IngressBackend } | undefined {
  const spec = ingressSpec(object)
  if (isObject(spec.defaultBackend)) return { path: 'spec.defaultBackend', backend: spec.defaultBackend }
  if (isObject(spec.backend)) return { path: 'spec.backend', backend: spec.backend }
  return undefined
}

export function annotation (object: KubeObject, key: string): string | undefined {
  return metaOf(object).annotations[key]
}

/** The termination OKD gives every Route it generates from this Ingress, if the annotation sets one. */
export function okdTermination (object: KubeObject): string | undefined {
  const value = annotation(object, OKD_TERMINATION_ANNOTATION)
  return value !== undefined && OKD_TERMINATIONS.has(value) ? value : undefined
}
