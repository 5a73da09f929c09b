import t from 'tap'
import { podTemplate } from '../../../../src/engine/rules/pod/pod-template.ts'
import { contextFor } from '../../../helpers/policy.ts'
import { workload, WORKLOAD_KINDS } from './helpers.ts'

t.test('every workload kind: the template, its metadata and its field paths', async (t) => {
  for (const { kind, prefix } of WORKLOAD_KINDS) {
    const object = workload(kind, { metadata: { annotations: { a: 'b' } }, spec: { hostNetwork: true } })
    const template = podTemplate(object, contextFor(object))
    t.equal(template?.path, prefix.replace(/\.$/, ''), kind)
    t.equal(template?.at('spec.hostNetwork'), `${prefix}spec.hostNetwork`, kind)
    t.equal(template?.spec.hostNetwork, true, kind)
    t.same(template?.metadata.annotations, { a: 'b' }, kind)
  }
})

t.test('kinds without pods have no template', async (t) => {
  const object = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { template: {} } }
  t.equal(podTemplate(object, contextFor(object)), undefined)
})

t.test('missing or mistyped levels read as an empty template', async (t) => {
  for (const spec of [undefined, null, 'x', { template: 'x' }, { template: { metadata: [], spec: 7 } }]) {
    const object = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec }
    const template = podTemplate(object, contextFor(object))
    t.same([template?.metadata, template?.spec], [{}, {}], JSON.stringify(spec))
  }
})
