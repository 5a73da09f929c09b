import { existsSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { MODES, type Mode } from './engine/types.ts'
import { UsageError } from './errors.ts'
import { findClusterConfig, type ClusterConfigSource } from './kube/cluster-config.ts'
import { DEFAULT_RATE_LIMIT, type RateLimit } from './kube/rate-limiter.ts'

/**
 * The package root: the nearest folder above this module that holds a package.json. This module
 * is `src/config.ts` under tsx and tests, and part of the one-file `dist/cli/main.js` in the built
 * server (see the build script), so bundled policies and dev certificates are found from either.
 */
export const PACKAGE_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)))

function packageRoot (from: string): string {
  for (let folder = from; dirname(folder) !== folder; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder
  }
  throw new Error(`no package.json above ${from}: netguard's files are not where they were installed`)
}

/** Names the development serving certificate always covers; `--dns` adds to them. */
export const DEV_CERT_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1', 'netguard.netguard.svc', 'netguard.netguard.svc.cluster.local']

/** Largest AdmissionReview body read by default: see BODY_LIMIT in admission/app.ts. */
const DEFAULT_MAX_BODY_MIB = 7
/** Seconds a terminating server keeps its listener open (unready, closing each connection after its answer). */
const DEFAULT_SHUTDOWN_DELAY_SECONDS = 5

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

export interface Config {
  /** Directory of policy files. @default the bundled `policies/` */
  readonly policiesDir: string
  /** Overrides the policy's `spec.mode` (flag, else NETGUARD_MODE). @default undefined */
  readonly mode: Mode | undefined
  /** @default 8443 */
  readonly port: number
  /**
   * The address to listen on. @default undefined: every address, `::` with IPv4 mapped, or
   * `0.0.0.0` where the host has no IPv6
   */
  readonly host: string | undefined
  /**
   * A second, plain-HTTP port that serves GET /metrics and nothing else, for a Prometheus that
   * does not speak the webhook's TLS (`--metrics-port`). @default undefined: /metrics on the
   * webhook port only
   */
  readonly metricsPort: number | undefined
  /** The address of the metrics port (`--metrics-host`; the chart gives the pod IP). @default undefined: every address, as `host` */
  readonly metricsHost: string | undefined
  /** Serving certificate and key files; both or neither. Without them a dev pair is generated. */
  readonly tls: { readonly certFile: string, readonly keyFile: string } | undefined
  /**
   * Where development certificates are kept. @default `certs/dev` in the package root; where
   * that cannot be written (a read-only image), a folder in the temporary directory
   */
  readonly devCertDir: string
  /** Fallback for devCertDir when the package root is read-only. @default `<tmpdir>/netguard-dev-certs-<uid>` */
  readonly devCertFallbackDir: string
  /** Largest request body, in bytes (`--max-body-mib`). @default 7 MiB */
  readonly maxBodyBytes: number
  /** How long a terminating server keeps serving, unready, before it closes its listener (`--shutdown-delay`). @default 5000 */
  readonly shutdownDelayMs: number
  /** Names the development certificate covers: DEV_CERT_NAMES plus every `--dns`. */
  readonly dnsNames: readonly string[]
  /** Flag, else NETGUARD_LOG_LEVEL. @default 'info' */
  readonly logLevel: LogLevel
  /** netguard's own namespace (NETGUARD_NAMESPACE), always exempt; its leader Lease lives there. @default 'netguard' */
  readonly ownNamespace: string
  /**
   * The Kubernetes API for the caches and the reconciler: `--kubeconfig`, else $KUBECONFIG, else
   * $HOME/.kube/config, else the pod's service account. @default undefined (none: no caches, no reconciler)
   */
  readonly cluster: ClusterConfigSource | undefined
  /** This replica's name in the leader Lease: POD_NAME. @default the host name */
  readonly identity: string
  /**
   * Client-side limit on writes to the Kubernetes API (reconciler, Lease): `--kube-api-qps` and
   * `--kube-api-burst`, else NETGUARD_KUBE_API_QPS and NETGUARD_KUBE_API_BURST. @default { qps: 20, burst: 30 }
   */
  readonly kubeApiWrites: RateLimit
}

type Options = NonNullable<ParseArgsConfig['options']>

/** Flags every command that evaluates reviews accepts. */
export const POLICY_OPTIONS = {
  policies: { type: 'string' },
  mode: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies Options

/** Flags of every command that writes to the Kubernetes API. */
export const KUBE_API_OPTIONS = {
  'kube-api-qps': { type: 'string' },
  'kube-api-burst': { type: 'string' }
} as const satisfies Options

export const SERVE_OPTIONS = {
  ...KUBE_API_OPTIONS,
  ...POLICY_OPTIONS,
  port: { type: 'string' },
  host: { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'log-level': { type: 'string' },
  'max-body-mib': { type: 'string' },
  'shutdown-delay': { type: 'string' },
  dns: { type: 'string', multiple: true },
  kubeconfig: { type: 'string' }
} as const satisfies Options

type Env = Readonly<Record<string, string | undefined>>

/** Parses a command's arguments strictly; unknown flags are a usage error, not a silent no-op. */
export function parseCommandArgs<O extends Options> (args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

type Values = Partial<ReturnType<typeof parseCommandArgs<typeof SERVE_OPTIONS>>['values']>

/** Flags and environment → a deep-frozen Config; every default lives here. */
export function buildConfig (values: Values, env: Env): Config {
  const certFile = values.cert
  const keyFile = values.key
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--cert and --key go together')
  return deepFreeze({
    policiesDir: resolve(values.policies ?? resolve(PACKAGE_ROOT, 'policies')),
    mode: oneOf('mode', values.mode ?? emptyToUndefined(env.NETGUARD_MODE), MODES),
    port: port('port', values.port ?? '8443'),
    host: emptyToUndefined(values.host),
    metricsPort: values['metrics-port'] === undefined ? undefined : port('metrics-port', values['metrics-port']),
    metricsHost: emptyToUndefined(values['metrics-host']),
    tls: certFile !== undefined && keyFile !== undefined ? { certFile: resolve(certFile), keyFile: resolve(keyFile) } : undefined,
    devCertDir: resolve(PACKAGE_ROOT, 'certs', 'dev'),
    devCertFallbackDir: join(tmpdir(), `netguard-dev-certs-${process.getuid?.() ?? 'user'}`),
    maxBodyBytes: boundedNumber('max-body-mib', values['max-body-mib'] ?? String(DEFAULT_MAX_BODY_MIB), 1, 64) * 1024 * 1024,
    shutdownDelayMs: boundedNumber('shutdown-delay', values['shutdown-delay'] ?? String(DEFAULT_SHUTDOWN_DELAY_SECONDS), 0, 60) * 1000,
    dnsNames: [...new Set([...DEV_CERT_NAMES, ...values.dns ?? []])],
    logLevel: oneOf('log-level', values['log-level'] ?? emptyToUndefined(env.NETGUARD_LOG_LEVEL), LOG_LEVELS) ?? 'info',
    ownNamespace: emptyToUndefined(env.NETGUARD_NAMESPACE) ?? 'netguard',
    cluster: findClusterConfig({ kubeconfig: values.kubeconfig === undefined ? undefined : resolve(values.kubeconfig), env, home: emptyToUndefined(env.HOME), exists: existsSync }),
    identity: emptyToUndefined(env.POD_NAME) ?? hostname(),
    kubeApiWrites: kubeApiWriteLimit(values, env)
  })
}

/** The write rate limit from `--kube-api-qps` / `--kube-api-burst`, else the environment, else client-go's controller defaults. */
export function kubeApiWriteLimit (values: { readonly 'kube-api-qps'?: string, readonly 'kube-api-burst'?: string }, env: Env): RateLimit {
  const qps = values['kube-api-qps'] ?? emptyToUndefined(env.NETGUARD_KUBE_API_QPS)
  const burst = values['kube-api-burst'] ?? emptyToUndefined(env.NETGUARD_KUBE_API_BURST)
  return {
    qps: qps === undefined ? DEFAULT_RATE_LIMIT.qps : positiveNumber('kube-api-qps', qps, /^\d+(\.\d+)?$/),
    burst: burst === undefined ? DEFAULT_RATE_LIMIT.burst : positiveNumber('kube-api-burst', burst, /^\d+$/)
  }
}

function positiveNumber (name: string, text: string, pattern: RegExp): number {
  const value = Number(text)
  if (!pattern.test(text) || !(value > 0)) {
    throw new UsageError(`--${name} must be a positive ${pattern.source.includes('.') ? 'number' : 'integer'}, not "${text}"`)
  }
  return value
}

function oneOf<T extends string> (name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not "${value}"`)
  return value as T
}

function port (name: string, text: string): number {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value > 65535) throw new UsageError(`--${name} must be a number from 0 to 65535, not "${text}"`)
  return value
}

/** A whole or decimal number from `min` to `max`, for a flag that takes one. */
function boundedNumber (name: string, text: string, min: number, max: number): number {
  const value = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || value < min || value > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}, not "${text}"`)
  return value
}

function emptyToUndefined (value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const entry of Object.values(value)) deepFreeze(entry)
    Object.freeze(value)
  }
  return value
}
