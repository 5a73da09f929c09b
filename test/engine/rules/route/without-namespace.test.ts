import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { clusterWith } from '../../../helpers/cluster-view.ts'
import { contextFor, evaluate, policyWith } from '../../../helpers/policy.ts'

// `netguard check` on a manifest without a namespace: messages must still read well, and
// per-namespace settings apply only where their globs match the empty name (e.g. "*").
const POLICY = policyWith(`rules:
  ROUTE-HOST: { allowedHostSuffixes: ["{namespace}.example.com"], namespaceHostSuffixes: [{ namespaces: [shop], suffixes: [ns.example.org] }] }
  ROUTE-TERMINATION: { allowedTerminations: [], namespaceTerminations: [{ namespaces: [shop], terminations: [edge] }] }
  ROUTE-ANNOTATIONS: { action: deny, constraints: [{ key: a.io/x, required: true }] }
  ING-CLASS: { action: deny, allowedClasses: [], namespaceClasses: [{ namespaces: [shop], classes: [nginx] }] }
  ING-HOST-UNIQUE: { scope: allNamespaces }`)

const withoutNamespace = (object: KubeObject) => evaluate(object, { ...contextFor(object, { cluster: clusterWith([]) }), namespace: undefined }, POLICY)

t.test('Route rules without a namespace', async (t) => {
  const found = withoutNamespace({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'web' }, spec: { host: 'www.example.com', wildcardPolicy: 'Subdomain' } })
  t.match(found, [
    { ruleId: 'ROUTE-TLS', message: 'spec.tls is missing, so the Route serves plain HTTP in this namespace' },
    { ruleId: 'ROUTE-HOST', message: 'spec.host www.example.com (wildcard *.example.com) is not under a domain allowed in this namespace', fix: 'use a host under {namespace}.example.com' },
    { ruleId: 'ROUTE-WILDCARD' },
    { ruleId: 'ROUTE-ANNOTATIONS', message: 'metadata.annotations["a.io/x"] is required on Routes' }
  ])
  const tls = withoutNamespace({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'web', annotations: { 'a.io/x': 'y' } }, spec: { tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow' } } })
  t.match(tls, [{ ruleId: 'ROUTE-INSECURE', message: /in this namespace$/ }, { ruleId: 'ROUTE-TERMINATION', message: 'spec.tls.termination edge is not allowed in this namespace' }])
})

t.test('Ingress rules without a namespace', async (t) => {
  const found = withoutNamespace({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }] } })
  t.match(found, [
    { ruleId: 'ING-TLS', message: 'spec.tls is missing, so the Ingress serves plain HTTP in this namespace' },
    { ruleId: 'ING-CLASS', message: 'spec.ingressClassName "nginx" is not an allowed ingress class in this namespace' }
  ])
  t.equal(found.length, 2)
})

t.test('a "*" entry applies without a namespace too', async (t) => {
  const policy = policyWith('rules: { ROUTE-HOST: { namespaceHostSuffixes: [{ namespaces: ["*"], suffixes: [example.com] }] } }')
  const object = { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'web' }, spec: { host: 'www.example.com', tls: { termination: 'edge' } } }
  t.same(evaluate(object, { ...contextFor(object), namespace: undefined }, policy).filter((v) => v.ruleId === 'ROUTE-HOST'), [])
})
