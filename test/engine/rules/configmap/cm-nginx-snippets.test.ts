import t from 'tap'
import type { KubeObject } from '../../../../src/kube/types.ts'
import { contextFor, evaluate, policyWith } from '../../../helpers/policy.ts'

const configMap = (name: string, data: unknown, namespace = 'ingress-nginx'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, ...(data === undefined ? {} : { data }) })
const found = (object: KubeObject, spec = '{}') =>
  evaluate(object, contextFor(object), policyWith(spec)).filter((v) => v.ruleId === 'CM-NGINX-SNIPPETS')

t.test('the controller ConfigMap may not switch snippet annotations on', async (t) => {
  t.match(found(configMap('ingress-nginx-controller', { 'allow-snippet-annotations': 'true' })), [{
    action: 'deny',
    path: 'data["allow-snippet-annotations"]',
    message: 'data["allow-snippet-annotations"] "true" lets Ingress annotations inject nginx configuration',
    fix: /set allow-snippet-annotations to "false"/
  }])
  t.equal(found(configMap('prod-ingress-nginx-controller', { 'allow-snippet-annotations': 'yes please' })).length, 1, 'anything but false')
  t.equal(found(configMap('nginx-configuration', { 'allow-snippet-annotations': '' })).length, 1)
})

t.test('false in any spelling Go reads as false, absent keys and other ConfigMaps pass', async (t) => {
  for (const value of ['false', 'False', 'FALSE', 'f', '0', ' false ']) {
    t.same(found(configMap('ingress-nginx-controller', { 'allow-snippet-annotations': value })), [], value)
  }
  t.same(found(configMap('ingress-nginx-controller', { other: 'true' })), [])
  t.same(found(configMap('ingress-nginx-controller', undefined)), [])
  t.match(found(configMap('ingress-nginx-controller', 'not a map')), [{ path: 'data', message: 'data is the string "not a map"; expected an object' }], 'a wrong type is a finding of its own')
  t.same(found(configMap('app-settings', { 'allow-snippet-annotations': 'true' })), [], 'not a controller ConfigMap')
})

t.test('configMaps selects which ConfigMaps are controller settings', async (t) => {
  const everywhere = 'rules: { CM-NGINX-SNIPPETS: { configMaps: ["*"] } }'
  t.equal(found(configMap('app-settings', { 'allow-snippet-annotations': 'true' }, 'shop'), everywhere).length, 1)
  t.same(found(configMap('ingress-nginx-controller', { 'allow-snippet-annotations': 'true' }), 'rules: { CM-NGINX-SNIPPETS: { configMaps: ["edge/*"] } }'), [])
})
