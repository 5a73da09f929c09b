import closeWithGrace from 'close-with-grace'
import { buildConfig, parseCommandArgs, SERVE_OPTIONS } from '../config.ts'
import { UsageError } from '../errors.ts'
import { boundedStdout, createLogger } from '../log.ts'
import { startServer } from '../server.ts'
import { EXIT, type Command } from './io.ts'

const USAGE = `usage: netguard serve [options]

  --policies DIR        policy folder (default: the bundled policies/)
  --mode enforce|audit  override the policy's spec.mode (env NETGUARD_MODE)
  --port N              HTTPS port (default 8443)
  --host ADDR           listen address (default: every address, :: with IPv4 mapped,
                        or 0.0.0.0 where the host has no IPv6)
  --metrics-port N      also serve GET /metrics, and nothing else, over plain HTTP on this port
                        (default: /metrics on the HTTPS port only)
  --metrics-host ADDR   its listen address (default: every address, as --host)
  --cert FILE --key FILE  serving certificate and key, reloaded when they change;
                        without them a development CA and certificate go to certs/dev/
                        (or, where that is read-only, to the temporary directory)
  --dns NAME            extra name for the development certificate (repeatable)
  --log-level LEVEL     fatal|error|warn|info|debug|trace|silent (env NETGUARD_LOG_LEVEL)
  --max-body-mib N      largest AdmissionReview body, 1 to 64 MiB (default 7); larger: 413
  --shutdown-delay S    seconds a terminating server keeps serving, unready and closing each
                        connection after its answer, before it closes the listener (default 5)
  --kubeconfig FILE     the cluster for the caches and the reconciler (default: $KUBECONFIG,
                        ~/.kube/config, else the pod's service account; none: serve without them)
  --kube-api-qps N      writes per second to the Kubernetes API, sustained (default 20; env NETGUARD_KUBE_API_QPS)
  --kube-api-burst N    writes at once above that after a quiet spell (default 30; env NETGUARD_KUBE_API_BURST)

env NETGUARD_NAMESPACE: netguard's own namespace, always exempt, home of its leader Lease (default netguard)
env POD_NAME: this replica's name in the leader Lease (default: the host name)`

/** How long in-flight reviews get to finish after the listener closed, before the process exits anyway. */
const GRACE_MS = 10_000

export const serve: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, SERVE_OPTIONS)
  if (values.help === true) {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got "${positionals.join(' ')}"`)
  const config = buildConfig(values, io.env)
  const stdout = boundedStdout()
  const logger = createLogger({ level: config.logLevel, destination: stdout.destination })
  const server = await startServer(config, logger, { droppedLogLines: stdout.dropped })
  return await new Promise<number>((resolve) => {
    const onTimeout = (delay: number): void => {
      logger.error({ delayMs: delay }, 'reviews still running at the end of the grace period; exiting anyway')
      stdout.flushSync()
    }
    // close-with-grace calls process.exit when this returns (or times out): the logs are flushed first.
    closeWithGrace({ delay: config.shutdownDelayMs + GRACE_MS, onTimeout, logger: { error: (message: unknown) => logger.error(String(message)) } }, async ({ signal, err }) => {
      if (err !== undefined) {
        logger.error({ err }, 'unexpected error; shutting down')
        await server.close()
      } else {
        logger.info({ signal }, 'shutting down: unready, answering every review on open connections, then closing')
        await server.shutdown()
      }
      logger.info('stopped')
      await stdout.flush()
      resolve(err === undefined ? EXIT.ok : 1)
    })
  })
}
