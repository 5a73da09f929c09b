import t from 'tap'
import { ingress, violationsOf } from './ingress-fixtures.ts'

const check = (spec: Record<string, unknown>, annotations: Record<string, string> | undefined, policy: string, namespace = 'shop') =>
  violationsOf('ING-CLASS', ingress(spec, { namespace, ...(annotations === undefined ? {} : { annotations }) }), policy)
const POLICY = 'rules: { ING-CLASS: { action: deny, allowedClasses: [openshift-default, "nginx-*"], namespaceClasses: [{ namespaces: ["edge-*"], classes: [public] }] } }'
const ANNOTATION = 'kubernetes.io/ingress.class'

t.test('off by default', async (t) => {
  t.same(check({ ingressClassName: 'anything' }, undefined, '{}'), [])
})

t.test('spec.ingressClassName and the legacy annotation are both checked', async (t) => {
  t.same(check({ ingressClassName: 'openshift-default' }, undefined, POLICY), [])
  t.same(check({}, { [ANNOTATION]: 'nginx-internal' }, POLICY), [])
  t.match(check({ ingressClassName: 'public' }, undefined, POLICY), [{
    ruleId: 'ING-CLASS',
    action: 'deny',
    path: 'spec.ingressClassName',
    message: 'spec.ingressClassName "public" is not an allowed ingress class in namespace shop',
    fix: 'use openshift-default, nginx-*'
  }])
  t.match(check({}, { [ANNOTATION]: 'public' }, POLICY), [{ path: `metadata.annotations["${ANNOTATION}"]` }])
  t.match(check({ ingressClassName: 'openshift-default' }, { [ANNOTATION]: 'public' }, POLICY), [{ path: `metadata.annotations["${ANNOTATION}"]` }], 'both places must be allowed')
  t.match(check({ ingressClassName: '' }, undefined, POLICY), [{ message: /"" is not an allowed ingress class/ }])
})

t.test('per-namespace classes add to the global list', async (t) => {
  t.same(check({ ingressClassName: 'public' }, undefined, POLICY, 'edge-eu'), [])
  t.match(check({ ingressClassName: 'other' }, undefined, POLICY, 'edge-eu'), [{ fix: 'use openshift-default, nginx-*, public' }])
})

t.test('no class: the cluster default applies, unless a class is required', async (t) => {
  t.same(check({}, undefined, POLICY), [])
  const required = 'rules: { ING-CLASS: { action: deny, requireClass: true, allowedClasses: [nginx] } }'
  t.match(check({}, undefined, required), [{ path: 'spec.ingressClassName', message: `the Ingress names no class in spec.ingressClassName or the ${ANNOTATION} annotation`, fix: 'use nginx' }])
})

t.test('annotation only (peer policies that ignore ingressClassName)', async (t) => {
  const policy = 'rules: { ING-CLASS: { action: deny, requireClass: true, fields: [annotation], allowedClasses: [HAProxy, nginx] } }'
  t.same(check({}, { [ANNOTATION]: 'HAProxy' }, policy), [])
  t.match(check({}, { [ANNOTATION]: 'haproxy' }, policy), [{ path: `metadata.annotations["${ANNOTATION}"]` }], 'class names are case-sensitive')
  t.match(check({ ingressClassName: 'nginx' }, undefined, policy), [{ path: `metadata.annotations["${ANNOTATION}"]`, message: `the Ingress names no class in the ${ANNOTATION} annotation` }])
  t.match(check({ ingressClassName: 'x' }, undefined, 'rules: { ING-CLASS: { action: deny } }'), [{ fix: 'ask a cluster admin which ingress class to use' }])
})
