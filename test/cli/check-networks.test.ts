import t from 'tap'
import { runCliWith } from '../helpers/cli.ts'

// The cluster-aware rules of user-defined networks and admin network policies, offline, with
// --cluster-state standing in for the informer caches.
const STATE = ['--cluster-state', 'test/fixtures/manifests/network-state']
const check = async (manifest: string, args: readonly string[] = STATE) => await runCliWith(['check', '-f', '-', ...args], { stdin: manifest })

const shopNetwork = (subnet: string) => `apiVersion: k8s.ovn.org/v1
kind: UserDefinedNetwork
metadata: {name: shop-net, namespace: shop}
spec:
  topology: Layer2
  layer2: {role: Primary, subnets: [${subnet}]}
`

t.test('a free range in a namespace created with the primary-network label passes with cluster state', async (t) => {
  const { code, stdout } = await check(shopNetwork('10.20.0.0/16'))
  t.equal(code, 0)
  t.match(stdout, 'PASS  UserDefinedNetwork shop/shop-net')
})

t.test('a range another namespace uses is denied, without saying whose', async (t) => {
  const { code, stdout } = await check(shopNetwork('10.10.4.0/24'))
  t.equal(code, 1)
  t.match(stdout, '[UDN-OVERLAP] spec.layer2.subnets[0] 10.10.4.0/24 overlaps a range another network already uses')
  t.notMatch(stdout, 'bank')
})

t.test('a Primary network in a namespace without the label is denied', async (t) => {
  const { code, stdout } = await check(shopNetwork('10.20.0.0/16').replace('namespace: shop', 'namespace: bank'))
  t.equal(code, 1)
  t.match(stdout, '[UDN-PRIMARY-LABEL] a Primary network needs namespace bank to carry the label k8s.ovn.org/primary-user-defined-network')
})

t.test('an AdminNetworkPolicy at a priority already held is denied; without state it only warns', async (t) => {
  const anp = 'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: deny-egress}\nspec: {priority: 10, subject: {namespaces: {matchLabels: {tier: web}}}, egress: [{action: Deny, to: [{networks: [192.0.2.0/24]}]}]}\n'
  const held = await check(anp)
  t.equal(held.code, 1)
  t.match(held.stdout, '[ANP-PRIORITY-UNIQUE] spec.priority 10 is already the priority of AdminNetworkPolicy allow-monitoring')
  const offline = await check(anp, [])
  t.equal(offline.code, 0)
  t.match(offline.stdout, '[ANP-PRIORITY-UNIQUE] existing AdminNetworkPolicy objects are not known (no cluster state was given)')
})
