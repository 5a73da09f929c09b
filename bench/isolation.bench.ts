// The two isolation mechanisms on many isolated namespaces, against the API-server double of the
// tests (real HTTP on 127.0.0.1: list, watch, create): objects netguard writes, requests it
// sends, and the time from start to converged (every desired object in place and the work queue
// empty). `npx tsx bench/isolation.bench.ts [namespaces]` (default 5000).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startClusterServices } from '../src/cluster-services.ts'
import { createLogger } from '../src/log.ts'
import { BASELINE_ADMIN_NETWORK_POLICIES, NAMESPACES, NETWORK_POLICIES } from '../src/kube/resources.ts'
import { FakeApiServer } from '../test/helpers/fake-apiserver.ts'
import { FAST_TUNING, isolatedNamespace, TestPolicyStore } from '../test/helpers/cluster.ts'
import { policyWith } from '../test/helpers/policy.ts'

const COUNT = Number(process.argv[2] ?? 5000)
const MECHANISMS = ['networkPolicies', 'baselineAdminNetworkPolicy'] as const

interface Result {
  readonly mechanism: string
  readonly objects: number
  readonly bytes: number
  readonly writes: number
  readonly requests: number
  readonly convergeMs: number
  readonly laterWrites: number
}

async function measure (mechanism: typeof MECHANISMS[number]): Promise<Result> {
  const fake = await FakeApiServer.start()
  const dir = mkdtempSync(join(tmpdir(), 'netguard-bench-'))
  fake.put(NAMESPACES, { metadata: { name: 'netguard' } })
  for (let index = 0; index < COUNT; index++) fake.put(NAMESPACES, isolatedNamespace(`tenant-${index}`))
  const converged = (): boolean => mechanism === 'networkPolicies'
    ? fake.list(NETWORK_POLICIES).length === 4 * COUNT
    : fake.get(BASELINE_ADMIN_NETWORK_POLICIES, 'default') !== undefined
  const start = performance.now()
  const services = await startClusterServices({
    policyStore: new TestPolicyStore(policyWith(`isolation: { mechanism: ${mechanism} }`)),
    log: createLogger({ level: 'error' }),
    cluster: { type: 'kubeconfig', files: [fake.writeKubeconfig(dir)] },
    identity: 'bench',
    namespace: 'netguard',
    tuning: { ...FAST_TUNING, reconciler: { ...FAST_TUNING?.reconciler, resyncMs: 0 } }
  })
  while (!(converged() && services.backlog() === 0 && (services.counters?.reconciles ?? 0) >= COUNT)) await new Promise((resolve) => setTimeout(resolve, 20))
  const convergeMs = performance.now() - start
  const writes = fake.writes().filter((write) => !write.path.includes('/leases')).length
  const requests = fake.requests.filter((request) => !request.path.includes('/leases')).length
  const kept = mechanism === 'networkPolicies' ? fake.list(NETWORK_POLICIES) : fake.list(BASELINE_ADMIN_NETWORK_POLICIES)
  const objects = kept.length
  const bytes = kept.reduce((total, object) => total + JSON.stringify(object).length, 0)
  // One more isolated namespace once converged: what it costs.
  fake.put(NAMESPACES, isolatedNamespace('tenant-late'))
  const lateSettled = (): boolean => services.backlog() === 0 && (mechanism !== 'networkPolicies' || fake.list(NETWORK_POLICIES, 'tenant-late').length === 4)
  while (!lateSettled()) await new Promise((resolve) => setTimeout(resolve, 20))
  await new Promise((resolve) => setTimeout(resolve, 200))
  const laterWrites = fake.writes().filter((write) => !write.path.includes('/leases')).length - writes
  await services.close()
  await fake.close()
  rmSync(dir, { recursive: true, force: true })
  return { mechanism, objects, bytes, writes, requests, convergeMs, laterWrites }
}

const results: Result[] = []
for (const mechanism of MECHANISMS) results.push(await measure(mechanism))
process.stdout.write(`${COUNT} isolated namespaces\n`)
process.stdout.write('| mechanism | objects kept | their JSON | writes to converge | requests | time to converge | writes for one more namespace |\n| --- | --- | --- | --- | --- | --- | --- |\n')
for (const result of results) {
  process.stdout.write(`| ${result.mechanism} | ${result.objects} | ${(result.bytes / 1024).toFixed(0)} KiB | ${result.writes} | ${result.requests} | ${(result.convergeMs / 1000).toFixed(1)} s | ${result.laterWrites} |\n`)
}
