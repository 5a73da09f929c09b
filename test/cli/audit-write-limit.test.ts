import t from 'tap'
import { NAMESPACES, POLICY_REPORTS, SERVICES } from '../../src/kube/resources.ts'
import { FakeApiServer } from '../helpers/fake-apiserver.ts'
import { runCliWith } from '../helpers/cli.ts'

// `netguard audit --write` writes PolicyReports through the same client-side rate limiter as the
// reconciler: a cluster with many namespaces is not flooded with report writes.

t.test('--write paces its writes by --kube-api-qps and --kube-api-burst', async (t) => {
  const fake = await FakeApiServer.start()
  t.teardown(() => fake.close())
  const namespaces = ['a', 'b', 'c', 'd', 'e', 'f']
  for (const name of namespaces) {
    fake.put(NAMESPACES, { metadata: { name } })
    fake.put(SERVICES, { metadata: { name: 'web', namespace: name }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } })
  }
  const kubeconfig = fake.writeKubeconfig(t.testdir())
  const { code, stderr } = await runCliWith(['audit', '--kubeconfig', kubeconfig, '--write', '--kube-api-qps', '10', '--kube-api-burst', '1'])
  t.equal(code, 1, 'NodePort Services would be denied')
  t.match(stderr, /^netguard audit: PolicyReports 7 created, 0 updated, 0 deleted\n$/)
  t.same(fake.list(POLICY_REPORTS).map((report) => report.metadata?.namespace), namespaces)
  const writes = fake.writes().map((write) => write.at)
  t.ok(Math.max(...writes) - Math.min(...writes) >= 590, 'seven writes at one every 100 ms after the first take 600 ms')
})

t.test('a bad limit is a usage error', async (t) => {
  const { code, stderr } = await runCliWith(['audit', '--kube-api-burst', '0'])
  t.equal(code, 2)
  t.match(stderr, /--kube-api-burst must be a positive integer, not "0"/)
  t.match((await runCliWith(['audit'], { env: { NETGUARD_KUBE_API_QPS: 'fast' } })).stderr, /--kube-api-qps must be a positive number, not "fast"/)
})
