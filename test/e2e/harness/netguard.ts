import { request } from 'node:https'
import { join, resolve } from 'node:path'
import type { Manifest } from './chart.ts'
import { startProcess, type StartedProcess } from './processes.ts'

/**
 * How a replica is started: the container's args and env from the chart's Deployment, with the
 * mounted paths pointed at local folders, the port moved to a free loopback one, and the cluster
 * reached through a kubeconfig holding the service account's token (a pod would read the same
 * token from its projected volume).
 */
export interface ReplicaSpec {
  readonly args: readonly string[]
  readonly env: Readonly<Record<string, string>>
}

export interface ReplicaPaths {
  /** Folder with tls.crt and tls.key: the Secret's mount (a server's; an audit Job has none). */
  readonly tlsDir?: string
  /** Folder with the policy files: the ConfigMap's mount. */
  readonly policiesDir: string
  readonly tmpDir: string
  readonly kubeconfig: string
}

export function replicaSpec (deployment: Manifest, paths: ReplicaPaths): ReplicaSpec {
  return podCommand((deployment.spec as { template: { spec: PodSpec } }).template.spec, deployment.metadata.namespace ?? 'default', paths)
}

/** The first container's args and env of a pod template, mapped as `replicaSpec` describes. */
export function podCommand (pod: PodSpec, namespace: string, paths: ReplicaPaths): ReplicaSpec {
  const container = pod.containers[0]
  if (container === undefined) throw new Error('the chart\'s Deployment has no container')
  const volumes = new Map(pod.volumes.map((volume) => [volume.name, volume]))
  const mounts = (container.volumeMounts ?? []).map((mount) => {
    const volume = volumes.get(mount.name)
    const local = volume?.secret !== undefined ? paths.tlsDir ?? paths.tmpDir : volume?.configMap !== undefined ? paths.policiesDir : paths.tmpDir
    return { from: mount.mountPath, to: local }
  }).sort((a, b) => b.from.length - a.from.length)
  const args = (container.args ?? []).map((arg) => {
    for (const { from, to } of mounts) if (arg.includes(from)) return arg.replace(from, to)
    return arg
  }).filter((arg) => !arg.startsWith('--port=') && !arg.startsWith('--host='))
  const env: Record<string, string> = {}
  for (const variable of container.env ?? []) {
    const field = variable.valueFrom?.fieldRef?.fieldPath
    if (variable.value !== undefined) env[variable.name] = variable.value
    else if (field === 'metadata.namespace') env[variable.name] = namespace
    else if (field === 'metadata.name') env[variable.name] = '$(POD_NAME)'
    else throw new Error(`the chart's Deployment sets ${variable.name} from ${JSON.stringify(variable.valueFrom)}, which the suite cannot supply`)
  }
  return { args: [...args, `--kubeconfig=${paths.kubeconfig}`], env }
}

export interface PodSpec {
  containers: Array<{ args?: string[], env?: Array<{ name: string, value?: string, valueFrom?: { fieldRef?: { fieldPath: string } } }>, volumeMounts?: Array<{ name: string, mountPath: string }> }>
  volumes: Array<{ name: string, secret?: unknown, configMap?: unknown }>
}

export interface ReplicaOptions {
  readonly spec: ReplicaSpec
  readonly name: string
  readonly port: number
  readonly logDir: string
  readonly pidDir: string
}

export const CLI = resolve('dist/cli/main.js')

/**
 * Starts `node dist/cli/main.js serve ...` for one replica, listening on 127.0.0.1:`port`, with
 * exactly the container's environment. Started from inside a test, a spawn goes through tap's
 * process-info hooks, which add their loader to NODE_OPTIONS; that loader turns source maps on
 * and parses every module's (client-node's are tens of MiB), past the chart's heap limit. A shell
 * sets NODE_OPTIONS back to the container's before it becomes node, so a replica restarted by a
 * test runs as the first one did.
 */
export function startReplica ({ spec, name, port, logDir, pidDir }: ReplicaOptions): StartedProcess {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME }
  for (const [key, value] of Object.entries(spec.env)) env[key] = value.replace('$(POD_NAME)', name)
  env.NETGUARD_E2E_NODE_OPTIONS = env.NODE_OPTIONS ?? ''
  return startProcess({
    name,
    command: '/bin/sh',
    args: ['-c', 'NODE_OPTIONS="$NETGUARD_E2E_NODE_OPTIONS" exec "$@"', 'replica', process.execPath, CLI, ...spec.args, `--port=${port}`, '--host=127.0.0.1'],
    env,
    logFile: join(logDir, `${name}.log`),
    pidDir
  })
}

/** Waits for /readyz to answer 200 over TLS that `ca` verifies. */
export async function waitUntilServing (replica: StartedProcess, port: number, ca: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let exited = false
  replica.exited.then(() => { exited = true })
  let last = 'no answer'
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${replica.name} exited while starting; see ${replica.logFile}`)
    last = await readyz(port, ca)
    if (last === '200') return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`${replica.name} not ready in ${timeoutMs / 1000} s (${last}); see ${replica.logFile}`)
}

async function readyz (port: number, ca: string): Promise<string> {
  return await new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', ca, agent: false, timeout: 2000 }, (res) => {
      res.resume()
      res.on('end', () => resolve(String(res.statusCode)))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (error) => resolve(error.message))
    req.end()
  })
}
