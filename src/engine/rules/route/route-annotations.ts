import { defineAnnotationRule } from '../../annotations.ts'
import { ROUTE_KIND } from './route.ts'

/** Router annotations (`haproxy.router.openshift.io/*`) change timeouts, allow-lists and rewrites. */
export const routeAnnotations = defineAnnotationRule({
  id: 'ROUTE-ANNOTATIONS',
  kinds: ROUTE_KIND,
  noun: 'Routes',
  summary: 'forbidden annotation keys or values; required annotations with allowed values, per namespace',
  category: 'Ingress security',
  severity: 'medium'
})
