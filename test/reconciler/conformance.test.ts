// Backend: the loopback double (test/helpers/fake-apiserver.ts), so that every case settles in
// milliseconds; test/e2e/isolation.e2e.ts runs the reconciler against the real API server.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parse, parseAllDocuments } from 'yaml'
import { NAMESPACES, NETWORK_POLICIES } from '../../src/kube/resources.ts'
import type { KubeObject } from '../../src/kube/types.ts'
import { compilePolicy } from '../../src/policy/compile.ts'
import { parseSource } from '../../src/policy/parse.ts'
import { plan } from '../../src/reconciler/plan.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import { seedOwnNamespace, settle, startReplica, TestPolicyStore } from '../helpers/cluster.ts'
import { contextFor, mutate } from '../helpers/policy.ts'

// The generation checks of the kyverno NetworkPolicy generators in the shared conformance corpus:
// with the policy configured as each generator is, the reconciler must generate what the check
// expects (compared by meaning), and nothing in namespaces that existed before the policy.

/** The peer corpus vendored under test/conformance/corpus; NETGUARD_CONFORMANCE points elsewhere. */
const CORPUS = join(process.env.NETGUARD_CONFORMANCE ?? join(import.meta.dirname, '../conformance/corpus'), 'kyverno')
const FOLDERS = ['add-network-policy', 'add-networkpolicy-dns', 'generate-networkpolicy-existing']

interface GenerationCheck { expect: 'generated' | 'not-generated', resource: string, kind: string, name: string, namespace: string, trigger: string, trigger_created: string }
interface Cases { cases: { file: string, document: number, kind: string }[], generation_checks: GenerationCheck[], setup_objects?: string[] }

const load = (folder: string, reference: string): KubeObject => {
  const [file = '', index = '0'] = reference.split('#')
  const documents = parseAllDocuments(readFileSync(join(CORPUS, folder, file), 'utf8'))
  return documents[Number(index)]?.toJS() as KubeObject
}

for (const folder of FOLDERS) {
  t.test(folder, async (t) => {
    const cases = parse(readFileSync(join(CORPUS, folder, 'cases.yaml'), 'utf8')) as Cases
    const fixture = join(import.meta.dirname, '../fixtures/conformance', `${folder}.yaml`)
    const policy = compilePolicy(parseSource(fixture, readFileSync(fixture, 'utf8')).documents)
    const fake = await FakeApiServer.start()
    t.teardown(() => fake.close())
    seedOwnNamespace(fake)
    // Namespaces from before netguard was installed never went through its mutating webhook.
    for (const setup of cases.setup_objects ?? []) fake.put(NAMESPACES, load(folder, setup))
    const { services } = await startReplica(t, fake, { store: new TestPolicyStore(policy) })
    // Namespaces created afterwards do: NS-ISOLATION labels them, as the webhook would.
    for (const { file, document, kind } of cases.cases) {
      t.equal(kind, 'Namespace')
      const created = load(folder, `${file}#${document}`)
      fake.put(NAMESPACES, mutate(created, contextFor(created), policy).object)
    }
    await settle(fake, services, policy.shared.isolation.networkPolicies.length)
    t.ok(cases.generation_checks.length > 0)
    for (const check of cases.generation_checks) {
      const actual = fake.get(NETWORK_POLICIES, check.name, check.namespace)
      if (check.expect === 'not-generated') {
        t.equal(actual, undefined, `${check.namespace}/${check.name} is not generated (${check.trigger_created})`)
        continue
      }
      const expected = load(folder, check.resource)
      t.ok(actual, `${check.namespace}/${check.name} is generated`)
      t.match(actual, { metadata: { labels: expected.metadata?.labels ?? {} }, spec: expected.spec }, 'every expected field is there')
      t.same(plan([expected], actual === undefined ? [] : [actual]), [], 'and means the same (no drift)')
    }
  })
}
