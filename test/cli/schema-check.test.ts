import { readFileSync } from 'node:fs'
import t from 'tap'
import { buildSchemas, formatSchemas, SCHEMA_FILE } from '../../scripts/schemas.ts'
import { unknownFieldResult } from '../../src/cli/schema-check.ts'
import type { KubeObject } from '../../src/kube/types.ts'

const service = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'web' }): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata, spec }) as KubeObject

t.test('schemas/kinds.json is what npm run schemas generates from its sources today', async (t) => {
  t.equal(readFileSync(SCHEMA_FILE, 'utf8'), formatSchemas(await buildSchemas()), 'stale: run npm run schemas and commit schemas/kinds.json')
})

t.test('a field the kind does not have is a warning naming it, with the field meant', async (t) => {
  t.match(unknownFieldResult(service({ typ: 'NodePort', ports: [{ port: 80, targetport: 8080 }] })), {
    ruleId: 'SCHEMA-UNKNOWN-FIELD',
    status: 'warn',
    violations: [
      { path: 'spec.typ', code: 'unknown-field', action: 'warn', message: 'spec.typ is not a field of Service (v1)', fix: 'did you mean spec.type?' },
      { path: 'spec.ports[0].targetport', fix: 'did you mean spec.ports[0].targetPort?' }
    ]
  })
  t.match(unknownFieldResult(service({}, { name: 'web', labelz: {} })), { violations: [{ path: 'metadata.labelz', fix: 'did you mean metadata.labels?' }] })
  t.match(unknownFieldResult(service({ 'type.x': 'NodePort' })), { violations: [{ path: 'spec["type.x"]' }] }, 'a key with a dot is quoted in the path')
  t.match(unknownFieldResult(service({ frobnicate: true })), { violations: [{ path: 'spec.frobnicate', fix: 'remove it or correct its name (kubectl explain service.spec lists the fields)' }] })
})

t.test('known fields, free-form maps and unknown kinds pass', async (t) => {
  const full = service({ type: 'LoadBalancer', selector: { 'any.key/x': 'y' }, ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }] }, {
    name: 'web', annotations: { 'a.b/c': 'd' }, labels: { app: 'web' }
  })
  t.same(unknownFieldResult(full), { ruleId: 'SCHEMA-UNKNOWN-FIELD', point: 'validate', status: 'pass' })
  t.equal(unknownFieldResult({ apiVersion: 'example.com/v1', kind: 'Widget', spec: { anything: 1 } } as KubeObject), undefined, 'no schema: no judgement')
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i', portz: [] }] } } } } as KubeObject
  t.match(unknownFieldResult(deployment), { violations: [{ path: 'spec.template.spec.containers[0].portz', fix: 'did you mean spec.template.spec.containers[0].ports?' }] })
})

t.test('OpenShift, Multus and OVN-Kubernetes kinds are checked against their CRDs', async (t) => {
  const route = { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'r' }, spec: { host: 'a.example.com', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge', insecureEdgeTermination: 'Redirect' } } } as KubeObject
  t.match(unknownFieldResult(route), { violations: [{ path: 'spec.tls.insecureEdgeTermination', fix: 'did you mean spec.tls.insecureEdgeTerminationPolicy?' }] })
  const nad = { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'n' }, spec: { confg: '{}' } } as KubeObject
  t.match(unknownFieldResult(nad), { violations: [{ path: 'spec.confg', fix: 'did you mean spec.config?' }] })
  const firewall = { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressFirewall', metadata: { name: 'default' }, spec: { egress: [{ type: 'Deny', to: { cidrSelector: '0.0.0.0/0' } }] } } as KubeObject
  t.same(unknownFieldResult(firewall)?.status, 'pass')
  const egressIp = { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name: 'e', lables: {} }, spec: { egressIPs: ['10.0.0.1'] } } as KubeObject
  t.match(unknownFieldResult(egressIp), { violations: [{ path: 'metadata.lables', fix: 'did you mean metadata.labels?' }] }, 'a custom resource has the API server\'s ObjectMeta')
})
