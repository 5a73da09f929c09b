import { readdirSync, readFileSync } from 'node:fs'
import { isIPv4, isIPv6 } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import t from 'tap'
import { parseAllDocuments } from 'yaml'
import { RULES } from '../../../src/engine/rules/index.ts'
import { parseApiVersion, type KubeObject } from '../../../src/kube/types.ts'

// Every example object (examples/: AdmissionReviews and manifests) of a kind that has a CRD in
// test/fixtures/crds/ (written after the upstream API types, see the README there) is checked
// against its OpenAPI schema as the API server would check it: types, enums, patterns, required
// fields, formats and bounds, and no field the server would prune (kubectl's strict field
// validation). CEL rules (x-kubernetes-validations) are not evaluated. An example the API server
// would refuse shows a verdict no cluster would ever ask netguard for.
const CRD_DIR = 'test/fixtures/crds'
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const CRD_FILES = readdirSync(join(ROOT, CRD_DIR)).filter((file) => file.endsWith('.yaml')).sort()

interface Crd {
  readonly spec: {
    readonly group: string
    readonly names: { readonly kind: string }
    readonly versions: readonly { readonly name: string, readonly served: boolean, readonly schema: { readonly openAPIV3Schema: unknown } }[]
  }
}

const ajv = new Ajv({ strict: false, allErrors: true })
ajv.addFormat('int32', { type: 'number', validate: (value) => Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 })
ajv.addFormat('int64', { type: 'number', validate: (value) => Number.isInteger(value) })
ajv.addFormat('ipv4', isIPv4)
ajv.addFormat('ipv6', isIPv6)
ajv.addFormat('date-time', (value) => !Number.isNaN(Date.parse(value)))

/** Validation-only parts of a structural schema: their `properties` do not say what is kept. */
const JUNCTORS = new Set(['oneOf', 'anyOf', 'allOf', 'not'])

/**
 * The schema with `additionalProperties: false` wherever the API server would prune unknown
 * fields: object schemas with `properties`, outside the logical junctors.
 */
function strict (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict)
  if (typeof schema !== 'object' || schema === null) return schema
  const entries = Object.entries(schema).map(([key, value]) => [
    key,
    JUNCTORS.has(key) ? value : key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([name, sub]) => [name, strict(sub)])) : strict(value)
  ])
  const result: Record<string, unknown> = Object.fromEntries(entries)
  if (result['properties'] !== undefined && result['additionalProperties'] === undefined && result['x-kubernetes-preserve-unknown-fields'] !== true) {
    result['additionalProperties'] = false
  }
  return result
}

/**
 * The API server takes these at the root of every object, whether the CRD's schema lists them or
 * not, and checks ObjectMeta itself: a CRD may only narrow metadata.name, so nothing under
 * metadata is pruned here.
 */
function withTypeAndObjectMeta (schema: unknown): unknown {
  const root = schema as { properties?: Record<string, unknown> }
  const metadata = { type: 'object', ...(root.properties?.['metadata'] as object | undefined), additionalProperties: true }
  return { ...root, properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, ...root.properties, metadata } }
}

/** Validators by `group/version/Kind`, for the served versions of those CRDs. */
const validators = new Map<string, ValidateFunction>()
for (const file of CRD_FILES) {
  for (const document of parseAllDocuments(readFileSync(join(ROOT, CRD_DIR, file), 'utf8'))) {
    const crd = document.toJS() as Crd | null
    if (crd === null) continue
    for (const version of crd.spec.versions.filter((entry) => entry.served)) {
      validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(strict(withTypeAndObjectMeta(version.schema.openAPIV3Schema)) as object))
    }
  }
}

/** Every object in examples/: the objects of the AdmissionReviews and every YAML manifest. */
function exampleObjects (): { readonly where: string, readonly object: KubeObject }[] {
  const found: { where: string, object: KubeObject }[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.json')) {
        const { request } = JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as { request: { object: KubeObject | null, oldObject: KubeObject | null } }
        if (request.object !== null) found.push({ where: `${path} object`, object: request.object })
        if (request.oldObject !== null) found.push({ where: `${path} oldObject`, object: request.oldObject })
      } else if (/\.ya?ml$/.test(entry.name)) {
        for (const [index, document] of parseAllDocuments(readFileSync(join(ROOT, path), 'utf8')).entries()) {
          const object = document.toJS() as KubeObject | null
          if (object !== null) found.push({ where: `${path} document ${index}`, object })
        }
      }
    }
  }
  walk('examples')
  return found
}

const keyOf = (object: KubeObject): string => {
  const { group, version } = parseApiVersion(object.apiVersion)
  return `${group}/${version}/${object.kind ?? ''}`
}

t.test('every one of those CRDs serves a version with a schema', async (t) => {
  t.same([...validators.keys()].sort(), [
    'k8s.cni.cncf.io/v1/NetworkAttachmentDefinition',
    'k8s.cni.cncf.io/v1beta1/MultiNetworkPolicy',
    'k8s.ovn.org/v1/ClusterUserDefinedNetwork',
    'k8s.ovn.org/v1/EgressFirewall',
    'k8s.ovn.org/v1/EgressIP',
    'k8s.ovn.org/v1/UserDefinedNetwork',
    'network.operator.openshift.io/v1/EgressRouter',
    'openreports.io/v1alpha1/ClusterReport',
    'openreports.io/v1alpha1/Report',
    'policy.networking.k8s.io/v1alpha1/AdminNetworkPolicy',
    'policy.networking.k8s.io/v1alpha1/BaselineAdminNetworkPolicy',
    'route.openshift.io/v1/Route',
    'wgpolicyk8s.io/v1alpha2/ClusterPolicyReport',
    'wgpolicyk8s.io/v1alpha2/PolicyReport'
  ])
})

t.test('every example object of those kinds is valid against its CRD', async (t) => {
  const checked = exampleObjects().filter(({ object }) => validators.has(keyOf(object)))
  const kinds = new Set(checked.map(({ object }) => object.kind))
  const reviewed = new Set(RULES.flatMap((rule) => rule.kinds.map((kind) => kind.kind)))
  t.same([...kinds].sort(), [...new Set([...validators.keys()].map((key) => key.split('/')[2] ?? ''))].filter((kind) => reviewed.has(kind)).sort(),
    'each kind a rule reviews has at least one example (the report kinds are netguard\'s output)')
  for (const { where, object } of checked) {
    const validate = validators.get(keyOf(object)) as ValidateFunction
    t.ok(validate(object), `${where}: ${ajv.errorsText(validate.errors, { dataVar: object.kind ?? 'object' })}`)
  }
})

t.test('the check catches what the API server would refuse or prune', async (t) => {
  const router = exampleObjects().find(({ object }) => object.kind === 'EgressRouter')?.object as KubeObject
  const validate = validators.get(keyOf(router)) as ValidateFunction
  const spec = router['spec'] as Record<string, unknown>
  t.ok(validate(router))
  t.notOk(validate({ ...router, spec: { ...spec, mode: 'Proxy' } }), 'an enum')
  t.notOk(validate({ ...router, spec: { ...spec, addresses: undefined } }), 'a required field')
  t.notOk(validate({ ...router, spec: { ...spec, redirect: { fallbackIP: 'example.com' } } }), 'an IP format')
  t.notOk(validate({ ...router, spec: { ...spec, adresses: spec['addresses'] } }), 'a misspelt field the server would prune')
  t.ok(validate({ ...router, metadata: { ...router.metadata, annotations: { anything: 'goes' } } }), 'metadata is not the CRD\'s to check')
})

t.test('each of our CRDs refuses or prunes what its API types do not allow', async (t) => {
  const examples = exampleObjects()
  const exampleOf = (kind: string): KubeObject => examples.find(({ object }) => object.kind === kind)?.object as KubeObject
  const specOf = (object: KubeObject): Record<string, unknown> => object['spec'] as Record<string, unknown>
  const cases: readonly { readonly what: string, readonly kind: string, readonly change: (object: KubeObject) => KubeObject }[] = [
    { what: 'a topology no UserDefinedNetwork has', kind: 'UserDefinedNetwork', change: (udn) => ({ ...udn, spec: { ...specOf(udn), topology: 'Localnet' } }) },
    { what: 'a misspelt layer2 field', kind: 'UserDefinedNetwork', change: (udn) => ({ ...udn, spec: { ...specOf(udn), layer2: { role: 'Primary', subnet: ['10.1.0.0/16'] } } }) },
    { what: 'a VLAN id above 4094', kind: 'ClusterUserDefinedNetwork', change: (cudn) => ({ ...cudn, spec: { ...specOf(cudn), network: { topology: 'Localnet', localnet: { role: 'Secondary', physicalNetworkName: 'physnet', vlan: { mode: 'Access', access: { id: 4095 } } } } } }) },
    { what: 'a subject with two selectors', kind: 'AdminNetworkPolicy', change: (anp) => ({ ...anp, spec: { ...specOf(anp), subject: { namespaces: {}, pods: { namespaceSelector: {}, podSelector: {} } } } }) },
    { what: 'a priority above 1000', kind: 'AdminNetworkPolicy', change: (anp) => ({ ...anp, spec: { ...specOf(anp), priority: 1001 } }) },
    { what: 'a Pass in the baseline', kind: 'BaselineAdminNetworkPolicy', change: (banp) => ({ ...banp, spec: { ...specOf(banp), ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }] } }) },
    { what: 'a baseline not named default', kind: 'BaselineAdminNetworkPolicy', change: (banp) => ({ ...banp, metadata: { ...banp.metadata, name: 'tenants' } }) },
    { what: 'a misspelt egress peer', kind: 'MultiNetworkPolicy', change: (mnp) => ({ ...mnp, spec: { ...specOf(mnp), egress: [{ to: [{ ipblock: { cidr: '0.0.0.0/0' } }] }] } }) },
    { what: 'a wildcard other than one leading *.', kind: 'EgressFirewall', change: (efw) => ({ ...efw, spec: { egress: [{ type: 'Allow', to: { dnsName: '*.*.example.com' } }] } }) },
    { what: 'a destination with two targets', kind: 'EgressFirewall', change: (efw) => ({ ...efw, spec: { egress: [{ type: 'Allow', to: { dnsName: 'example.com', cidrSelector: '192.0.2.0/24' } }] } }) }
  ]
  for (const { what, kind, change } of cases) {
    const example = exampleOf(kind)
    const validate = validators.get(keyOf(example)) as ValidateFunction
    t.ok(validate(example), `${kind}: the example itself`)
    t.notOk(validate(change(example)), `${kind}: ${what}`)
  }
})
