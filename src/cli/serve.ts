import closeWithGrace from 'close-with-grace'
import { buildConfig, parseCommandArgs, SERVE_OPTIONS } from '../config.ts'
import { UsageError } from '../errors.ts'
import { createLogger } from '../log.ts'
import { startServer } from '../server.ts'
import { EXIT, type Command } from './io.ts'

const USAGE = `usage: netguard serve [options]

  --policies DIR        policy folder (default: the bundled policies/)
  --mode enforce|audit  override the policy's spec.mode (env NETGUARD_MODE)
  --port N              HTTPS port (default 8443)
  --host ADDR           listen address (default 0.0.0.0)
  --cert FILE --key FILE  serving certificate and key, reloaded when they change;
                        without them a development CA and certificate go to certs/dev/
  --dns NAME            extra name for the development certificate (repeatable)
  --log-level LEVEL     fatal|error|warn|info|debug|trace|silent (env NETGUARD_LOG_LEVEL)
  --kubeconfig FILE     the cluster for the caches and the reconciler (default: $KUBECONFIG,
                        ~/.kube/config, else the pod's service account; none: serve without them)
  --kube-api-qps N      writes per second to the Kubernetes API, sustained (default 20; env NETGUARD_KUBE_API_QPS)
  --kube-api-burst N    writes at once above that after a quiet spell (default 30; env NETGUARD_KUBE_API_BURST)

env NETGUARD_NAMESPACE: netguard's own namespace, always exempt, home of its leader Lease (default netguard)
env POD_NAME: this replica's name in the leader Lease (default: the host name)`

/** How long in-flight reviews get to finish after SIGTERM before the process exits anyway. */
const GRACE_MS = 10_000

export const serve: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, SERVE_OPTIONS)
  if (values.help === true) {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got "${positionals.join(' ')}"`)
  const config = buildConfig(values, io.env)
  const logger = createLogger({ level: config.logLevel })
  const server = await startServer(config, logger)
  return await new Promise<number>((resolve) => {
    closeWithGrace({ delay: GRACE_MS, logger: { error: (message: unknown) => logger.error(String(message)) } }, async ({ signal, err }) => {
      if (err !== undefined) logger.error({ err }, 'unexpected error; shutting down')
      else logger.info({ signal }, 'shutting down: no new connections, finishing in-flight reviews')
      await server.close()
      logger.info('stopped')
      resolve(err === undefined ? EXIT.ok : 1)
    })
  })
}
