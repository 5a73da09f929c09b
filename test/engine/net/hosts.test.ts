import t from 'tap'
import { SettingError } from '../../../src/engine/rule.ts'
import { compileHostSuffixes, isWildcardHost, normalizeHost, parentDomain, tlsHostCovers } from '../../../src/engine/net/hosts.ts'

t.test('normalizeHost: lower-case, trailing dot, punycode', async (t) => {
  t.equal(normalizeHost('Shop.Apps.Example.COM.'), 'shop.apps.example.com')
  t.equal(normalizeHost('Bücher.example.com'), 'xn--bcher-kva.example.com')
  t.equal(normalizeHost('xn--bcher-kva.example.com'), 'xn--bcher-kva.example.com')
  t.equal(normalizeHost('*.example.com'), '*.example.com')
  t.equal(normalizeHost('localhost'), 'localhost')
})

t.test('normalizeHost refuses what is not a DNS name', async (t) => {
  for (const bad of ['', '.', 'a..b', '-a.com', 'a-.com', 'foo_bar.com', 'exa mple.com', 'a.*.com', '*', '*.', 'www.*',
    'ä/b.com', 'ä:80.com', 'ä@evil.com', 'a'.repeat(64) + '.com', `${'a.'.repeat(127)}com`, 'x'.repeat(300), 42, undefined, null]) {
    t.equal(normalizeHost(bad), undefined, JSON.stringify(bad))
  }
})

t.test('wildcards, parent domains and TLS coverage (one label deep)', async (t) => {
  t.ok(isWildcardHost('*.example.com'))
  t.notOk(isWildcardHost('www.example.com'))
  t.equal(parentDomain('www.example.com'), 'example.com')
  t.equal(parentDomain('localhost'), '')
  t.ok(tlsHostCovers('www.example.com', 'www.example.com'))
  t.ok(tlsHostCovers('*.example.com', 'www.example.com'))
  t.notOk(tlsHostCovers('*.example.com', 'a.b.example.com'))
  t.notOk(tlsHostCovers('*.example.com', 'example.com'))
  t.notOk(tlsHostCovers('*.example.com', '*.sub.example.com'))
  t.ok(tlsHostCovers('*.example.com', '*.example.com'))
  t.notOk(tlsHostCovers('www.example.com', 'www.example.org'))
})

t.test('suffixes match on label boundaries only', async (t) => {
  const suffixes = compileHostSuffixes('allowedHostSuffixes', ['apps.example.com'], [])
  t.ok(suffixes.restricted)
  t.ok(suffixes.allows('shop.apps.example.com', 'shop'))
  t.ok(suffixes.allows('a.b.apps.example.com', undefined))
  t.ok(suffixes.allows('apps.example.com', 'shop'), 'the domain itself')
  t.notOk(suffixes.allows('evilapps.example.com', 'shop'))
  t.notOk(suffixes.allows('apps.example.com.evil.org', 'shop'))
  t.notOk(suffixes.allows('example.com', 'shop'))
  t.ok(suffixes.allows('*.apps.example.com', 'shop'), 'a wildcard over the domain is under it')
  t.ok(suffixes.allows('*.x.apps.example.com', 'shop'))
})

t.test('a leading dot or *. allows hosts under the domain, not the domain itself', async (t) => {
  for (const text of ['.apps.example.com', '*.apps.example.com']) {
    const suffixes = compileHostSuffixes('allowedHostSuffixes', [text], [])
    t.ok(suffixes.allows('shop.apps.example.com', 'shop'), text)
    t.notOk(suffixes.allows('apps.example.com', 'shop'), text)
    t.ok(suffixes.allows('*.shop.apps.example.com', 'shop'), text)
  }
  const exact = compileHostSuffixes('allowedHostSuffixes', ['.apps.example.com'], [])
  t.ok(exact.allows('*.apps.example.com', 'shop'), 'every name a wildcard covers is under the domain')
})

t.test('policy suffixes are normalized like hosts', async (t) => {
  const suffixes = compileHostSuffixes('allowedHostSuffixes', ['Apps.Example.COM.', 'Bücher.example'], [])
  t.ok(suffixes.allows('shop.apps.example.com', 'shop'))
  t.ok(suffixes.allows('www.xn--bcher-kva.example', 'shop'))
})

t.test('{namespace} templates and per-namespace entries', async (t) => {
  const suffixes = compileHostSuffixes('allowedHostSuffixes', ['{namespace}.apps.example.com', 'team-{namespace}.example.org'], [
    { namespaces: ['shop', 'pay-*'], suffixes: ['shop.example.com'] },
    { namespaces: ['edge'], suffixes: ['{namespace}-edge.example.net'] }
  ])
  t.ok(suffixes.allows('www.shop.apps.example.com', 'shop'))
  t.ok(suffixes.allows('shop.apps.example.com', 'shop'))
  t.notOk(suffixes.allows('www.bank.apps.example.com', 'shop'), 'another namespace\'s subdomain')
  t.notOk(suffixes.allows('www.shop.apps.example.com', undefined), 'no namespace, no template')
  t.ok(suffixes.allows('a.team-shop.example.org', 'shop'))
  t.notOk(suffixes.allows('a.team-shopx.example.org', 'shop'))
  t.ok(suffixes.allows('www.shop.example.com', 'pay-eu'))
  t.notOk(suffixes.allows('www.shop.example.com', 'bank'))
  t.notOk(suffixes.allows('www.shop.example.com', undefined))
  t.ok(suffixes.allows('x.edge-edge.example.net', 'edge'))
  t.notOk(suffixes.allows('x.shop-edge.example.net', 'shop'))
  t.equal(suffixes.describe('shop'), '{namespace}.apps.example.com, team-{namespace}.example.org, shop.example.com'.replaceAll('{namespace}', 'shop'))
  t.equal(suffixes.describe('edge', 2), 'edge.apps.example.com, team-edge.example.org, …')
  t.equal(suffixes.describe(undefined), '{namespace}.apps.example.com, team-{namespace}.example.org')
  const shared = compileHostSuffixes('allowedHostSuffixes', ['.{namespace}.example.com', 'api.{namespace}.example.com'], [])
  t.ok(shared.allows('x.api.shop.example.com', 'shop'), 'templated labels share trie nodes')
  t.ok(shared.allows('api.shop.example.com', 'shop'))
  t.notOk(shared.allows('shop.example.com', 'shop'))
})

t.test('no suffixes: unrestricted; namespace entries only: other namespaces get none', async (t) => {
  const none = compileHostSuffixes('allowedHostSuffixes', [], [])
  t.notOk(none.restricted)
  const some = compileHostSuffixes('allowedHostSuffixes', [], [{ namespaces: ['shop'], suffixes: ['shop.example.com'] }])
  t.ok(some.restricted)
  t.notOk(some.allows('www.shop.example.com', 'bank'))
  t.equal(some.describe('bank'), 'none')
})

t.test('bad suffixes are setting errors with their path', async (t) => {
  const cases: [string[], object[], (string | number)[]][] = [
    [['apps..example.com'], [], ['allowedHostSuffixes', 0]],
    [['ok.example.com', 'a_b.example.com'], [], ['allowedHostSuffixes', 1]],
    [['{namespace}{namespace}.example.com'], [], ['allowedHostSuffixes', 0]],
    [['{namespace}-ü.example.com'], [], ['allowedHostSuffixes', 0]],
    [['{ns}.example.com'], [], ['allowedHostSuffixes', 0]],
    [['*'], [], ['allowedHostSuffixes', 0]],
    [['*.*.example.com'], [], ['allowedHostSuffixes', 0]],
    [[], [{ namespaces: ['a'], suffixes: ['ok.com', 'bad/x'] }], ['namespaceHostSuffixes', 0, 'suffixes', 1]]
  ]
  for (const [global, perNamespace, path] of cases) {
    const error = t.throws(() => compileHostSuffixes('allowedHostSuffixes', global, perNamespace as never), JSON.stringify(global))
    t.ok(error instanceof SettingError)
    t.match(error, { path, message: /is not a domain/ })
  }
})

t.test('thousands of suffixes cost one walk per label', async (t) => {
  const many = Array.from({ length: 20000 }, (_, index) => `tenant${index}.example.com`)
  const suffixes = compileHostSuffixes('allowedHostSuffixes', many, [])
  const started = process.hrtime.bigint()
  let allowed = 0
  for (let index = 0; index < 20000; index++) if (suffixes.allows(`www.tenant${index}.example.com`, 'shop')) allowed++
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6
  t.equal(allowed, 20000)
  t.notOk(suffixes.allows('www.tenant20000.example.com', 'shop'))
  t.ok(elapsedMs < 1000, `20000 lookups took ${elapsedMs.toFixed(1)} ms`)
})
