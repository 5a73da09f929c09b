import { existsSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t from 'tap'
import { buildConfig, PACKAGE_ROOT, parseCommandArgs, SERVE_OPTIONS } from '../src/config.ts'

const configOf = (args: string[], env: Record<string, string> = {}) => buildConfig(parseCommandArgs(args, SERVE_OPTIONS).values, env)

t.test('defaults: bundled policies, port 8443 on every address, dev certificates, info logs', async (t) => {
  const config = configOf([])
  t.equal(config.policiesDir, join(PACKAGE_ROOT, 'policies'))
  t.ok(existsSync(join(config.policiesDir, 'services.yaml')), 'the package root holds the bundled policies')
  t.same({ ...config, dnsNames: [...config.dnsNames] }, {
    policiesDir: join(PACKAGE_ROOT, 'policies'),
    mode: undefined,
    port: 8443,
    host: undefined,
    metricsPort: undefined,
    metricsHost: undefined,
    tls: undefined,
    devCertDir: join(PACKAGE_ROOT, 'certs', 'dev'),
    devCertFallbackDir: join(tmpdir(), `netguard-dev-certs-${process.getuid?.() ?? 'user'}`),
    maxBodyBytes: 7 * 1024 * 1024,
    shutdownDelayMs: 5000,
    dnsNames: ['localhost', '127.0.0.1', '::1', 'netguard.netguard.svc', 'netguard.netguard.svc.cluster.local'],
    logLevel: 'info',
    ownNamespace: 'netguard',
    cluster: undefined,
    identity: hostname(),
    kubeApiWrites: { qps: 20, burst: 30 }
  })
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.dnsNames), 'deep-frozen')
})

t.test('--max-body-mib and --shutdown-delay take numbers in range', async (t) => {
  t.match(configOf(['--max-body-mib', '12', '--shutdown-delay', '0.5']), { maxBodyBytes: 12 * 1024 * 1024, shutdownDelayMs: 500 })
  t.throws(() => configOf(['--max-body-mib', '0']), { code: 'NG_ERR_USAGE', message: '--max-body-mib must be a number from 1 to 64, not "0"' })
  t.throws(() => configOf(['--max-body-mib', '7MiB']), { message: /--max-body-mib must be a number/ })
  t.throws(() => configOf(['--shutdown-delay', '90']), { message: /--shutdown-delay must be a number from 0 to 60/ })
})

t.test('flags', async (t) => {
  const config = configOf(['--policies', 'p', '--mode', 'audit', '--port', '9443', '--host', '127.0.0.1', '--cert', 'a.crt', '--key', 'a.key', '--log-level', 'warn', '--dns', 'x.example', '--dns', 'localhost'])
  t.match(configOf(['--metrics-port', '9090', '--metrics-host', '10.128.0.7']), { metricsPort: 9090, metricsHost: '10.128.0.7' })
  t.match(config, { policiesDir: resolve('p'), mode: 'audit', port: 9443, host: '127.0.0.1', tls: { certFile: resolve('a.crt'), keyFile: resolve('a.key') }, logLevel: 'warn' })
  t.same(config.dnsNames.slice(-1), ['x.example'], 'extra names added once')
  t.equal(config.dnsNames.filter((name) => name === 'localhost').length, 1)
})

t.test('environment: NETGUARD_MODE, NETGUARD_NAMESPACE, NETGUARD_LOG_LEVEL; flags win', async (t) => {
  t.match(configOf([], { NETGUARD_MODE: 'audit', NETGUARD_NAMESPACE: 'guard', NETGUARD_LOG_LEVEL: 'debug' }), { mode: 'audit', ownNamespace: 'guard', logLevel: 'debug' })
  t.match(configOf(['--mode', 'enforce'], { NETGUARD_MODE: 'audit' }), { mode: 'enforce' })
  t.match(configOf([], { NETGUARD_MODE: '', NETGUARD_NAMESPACE: '' }), { mode: undefined, ownNamespace: 'netguard' }, 'empty means unset')
})

t.test('the write rate limit on the Kubernetes API: flags, else environment, else 20 QPS and burst 30', async (t) => {
  t.same(configOf(['--kube-api-qps', '5', '--kube-api-burst', '10']).kubeApiWrites, { qps: 5, burst: 10 })
  t.same(configOf([], { NETGUARD_KUBE_API_QPS: '2.5', NETGUARD_KUBE_API_BURST: '4' }).kubeApiWrites, { qps: 2.5, burst: 4 })
  t.same(configOf(['--kube-api-qps', '50'], { NETGUARD_KUBE_API_QPS: '2', NETGUARD_KUBE_API_BURST: '' }).kubeApiWrites, { qps: 50, burst: 30 }, 'flags win; empty means unset')
})

t.test('bad values are usage errors', async (t) => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['--mode', 'warn'], {}, /--mode must be one of enforce, audit, not "warn"/],
    [[], { NETGUARD_MODE: 'Audit' }, /--mode must be one of/],
    [['--port', '70000'], {}, /--port must be a number from 0 to 65535/],
    [['--port', '-1'], {}, /--port/],
    [['--metrics-port', 'http'], {}, /--metrics-port must be a number from 0 to 65535, not "http"/],
    [['--key', 'a.key'], {}, /--cert and --key go together/],
    [['--log-level', 'verbose'], {}, /--log-level must be one of/],
    [['--bogus'], {}, /Unknown option '--bogus'/],
    [['--port'], {}, /argument missing/],
    [['--kube-api-qps', '0'], {}, /--kube-api-qps must be a positive number, not "0"/],
    [[], { NETGUARD_KUBE_API_BURST: '2.5' }, /--kube-api-burst must be a positive integer, not "2.5"/]
  ]
  for (const [args, env, message] of cases) {
    t.throws(() => configOf(args, env), { code: 'NG_ERR_USAGE', message }, args.join(' '))
  }
})

t.test('the cluster: --kubeconfig, $KUBECONFIG, $HOME/.kube/config, the service account, or none; POD_NAME', async (t) => {
  const home = t.testdir({ '.kube': { config: 'apiVersion: v1' } })
  t.same(configOf(['--kubeconfig', 'k.yaml'], { KUBECONFIG: '/a' }).cluster, { type: 'kubeconfig', files: [resolve('k.yaml')] })
  t.same(configOf([], { KUBECONFIG: '/a:/b', HOME: home }).cluster, { type: 'kubeconfig', files: ['/a', '/b'] })
  t.same(configOf([], { HOME: home }).cluster, { type: 'kubeconfig', files: [join(home, '.kube', 'config')] })
  t.same(configOf([], { KUBERNETES_SERVICE_HOST: '172.30.0.1', KUBERNETES_SERVICE_PORT: '443' }).cluster, { type: 'in-cluster' })
  t.equal(configOf([], { HOME: join(home, 'nowhere') }).cluster, undefined)
  t.equal(configOf([], { POD_NAME: 'netguard-7d9f-abcde' }).identity, 'netguard-7d9f-abcde')
})
