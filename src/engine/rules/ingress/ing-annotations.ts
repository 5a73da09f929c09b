import { defineAnnotationRule } from '../../annotations.ts'
import { INGRESS_KINDS } from './ingress.ts'

/** Controller annotations can inject configuration (ingress-nginx `*-snippet`) or widen access. */
export const ingAnnotations = defineAnnotationRule({
  id: 'ING-ANNOTATIONS',
  kinds: INGRESS_KINDS,
  noun: 'Ingresses',
  summary: 'forbidden annotation keys (e.g. *-snippet) or values; required annotations with allowed values, per namespace',
  category: 'Ingress security',
  severity: 'high'
})
