import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { ensureDevCertificates } from '../../../src/tls/dev-certs.ts'
import { KubeClient } from './kube-client.ts'
import { startProcess, type StartedProcess } from './processes.ts'

/**
 * etcd and kube-apiserver on loopback ports, state in a temporary folder: the smallest real
 * control plane. No controller-manager and no kubelet: nothing in the suite needs pods to run,
 * and what netguard is judged by (admission, RBAC, CRD schemas, watches) is the API server's own.
 */

/** Who the suite acts as: static bearer tokens, each user with its groups. */
export const USERS = {
  /** Cluster admin; `system:masters` is also exempt in the bundled policies. */
  admin: { name: 'e2e-admin', groups: ['system:masters'] },
  /** A tenant: the `admin` role in its own namespaces, nothing cluster-wide but creating namespaces. */
  tenant: { name: 'alice', groups: ['tenants'] }
} as const
export type UserKey = keyof typeof USERS

export interface ControlPlane {
  readonly server: string
  readonly caFile: string
  readonly ca: string
  readonly tokens: Record<UserKey, string>
  readonly processes: readonly StartedProcess[]
}

export interface ControlPlaneOptions {
  readonly binDir: string
  readonly workDir: string
  readonly logDir: string
  readonly pidDir: string
}

export async function startControlPlane ({ binDir, workDir, logDir, pidDir }: ControlPlaneOptions): Promise<ControlPlane> {
  const pki = join(workDir, 'pki')
  mkdirSync(pki, { recursive: true })
  const serving = await ensureDevCertificates(join(pki, 'apiserver'), ['127.0.0.1', 'localhost'], new Date())
  const serviceAccountKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const saKeyFile = join(pki, 'service-account.key')
  const saPubFile = join(pki, 'service-account.pub')
  writeFileSync(saKeyFile, serviceAccountKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  writeFileSync(saPubFile, serviceAccountKey.publicKey.export({ type: 'spki', format: 'pem' }))

  const tokens = Object.fromEntries(Object.keys(USERS).map((key) => [key, randomBytes(24).toString('hex')])) as Record<UserKey, string>
  const tokenFile = join(pki, 'tokens.csv')
  writeFileSync(tokenFile, Object.entries(USERS).map(([key, user], index) =>
    `${tokens[key as UserKey]},${user.name},uid-${index},"${user.groups.join(',')}"`).join('\n') + '\n', { mode: 0o600 })

  const [etcdClientPort, etcdPeerPort, apiPort] = await freePorts(3)
  const etcd = startProcess({
    name: 'etcd',
    command: join(binDir, 'etcd'),
    args: [
      '--name=e2e',
      `--data-dir=${join(workDir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=e2e=http://127.0.0.1:${etcdPeerPort}`,
      // A throwaway store: durability buys nothing here and fsync costs seconds on a busy disk.
      '--unsafe-no-fsync',
      // etcd's own default (1.5 MiB) refuses objects that the API server's etcd client (2 MiB)
      // would send: raised so that the client's limit is the one the large-object case meets.
      '--max-request-bytes=10485760',
      '--log-level=warn'
    ],
    logFile: join(logDir, 'etcd.log'),
    pidDir
  })
  const server = `https://127.0.0.1:${apiPort}`
  const apiserver = startProcess({
    name: 'kube-apiserver',
    command: join(binDir, 'kube-apiserver'),
    args: [
      `--etcd-servers=http://127.0.0.1:${etcdClientPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(workDir, 'apiserver-certs')}`,
      `--tls-cert-file=${serving.certFile}`,
      `--tls-private-key-file=${serving.keyFile}`,
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      // MutatingAdmissionWebhook and ValidatingAdmissionWebhook are in the default set; named here
      // so that the suite fails loudly should a release ever drop them from it.
      '--enable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${saPubFile}`,
      `--service-account-signing-key-file=${saKeyFile}`,
      '--api-audiences=https://kubernetes.default.svc',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--profiling=false',
      '--v=1'
    ],
    logFile: join(logDir, 'kube-apiserver.log'),
    pidDir
  })
  const ca = readFileSync(serving.caFile, 'utf8')
  const plane: ControlPlane = { server, caFile: serving.caFile, ca, tokens, processes: [etcd, apiserver] }
  const admin = new KubeClient(server, tokens.admin, ca, USERS.admin.name)
  try {
    await waitUntilReady(admin, [apiserver, etcd])
  } finally {
    admin.close()
  }
  return plane
}

async function waitUntilReady (admin: KubeClient, processes: readonly StartedProcess[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer'
  const ended = Promise.race(processes.map(async (child) => { await child.exited; return child }))
  let gone: StartedProcess | undefined
  ended.then((child) => { gone = child })
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`${gone.name} exited while starting; see ${gone.logFile}`)
    try {
      const reply = await admin.request('GET', '/readyz', { query: { verbose: 'true' } })
      if (reply.status === 200) return
      last = `${reply.status} ${JSON.stringify(reply.body).slice(0, 500)}`
    } catch (error) {
      last = (error as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`kube-apiserver not ready in ${timeoutMs / 1000} s: ${last}`)
}

/** Ports the kernel hands out now; the processes bind them a moment later. */
export async function freePorts (count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, async () => await new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })))
  const ports = servers.map((server) => (server.address() as { port: number }).port)
  await Promise.all(servers.map(async (server) => await new Promise((resolve) => server.close(resolve))))
  return ports
}
