// Hand-built: the REST calls (list, get, create, replace, delete over node:http) that client-node's
// KubernetesObjectApi would make. Why: it discovers each group version's resources with an extra
// request (the kinds are a fixed table here, resources.ts) and takes no per-request timeout.
import http from 'node:http'
import https from 'node:https'
import { setTimeout as delay } from 'node:timers/promises'
import type { KubeConfig, Watch } from './client-node.ts'
import { KubeApiError, KubeConfigError } from '../errors.ts'
import { describeClusterConfig, type ClusterConfigSource } from './cluster-config.ts'
import { DEFAULT_RATE_LIMIT, TokenBucket, type RateLimit } from './rate-limiter.ts'
import { apiVersionOf, resourcePath, type ResourceType } from './resources.ts'
import type { KubeObject } from './types.ts'

// The only module that uses @kubernetes/client-node (through client-node.ts). Everything else talks
// to a KubePort, so tests can point a real port at a loopback test double, and a client upgrade
// touches one file. It loads the client when a port is opened, never at import: `serve` without a
// cluster, `check` and `review` have no use for it.

export interface ListOptions {
  /** One namespace; all namespaces (or a cluster-scoped kind) when undefined. */
  readonly namespace?: string
  readonly labelSelector?: string
  /** Page size; the API server answers at most this many items and a continue token. */
  readonly limit?: number
  readonly continue?: string
}

export interface ListPage {
  /** Items with apiVersion and kind filled in (the API server leaves them out of list items). */
  readonly items: readonly KubeObject[]
  /** The list's resourceVersion: where a watch picks up. */
  readonly resourceVersion: string
  readonly continue: string | undefined
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'

export interface WatchEvent {
  readonly type: WatchEventType
  /** The object; a Status for ERROR; only metadata.resourceVersion for BOOKMARK. */
  readonly object: KubeObject
}

export interface WatchOptions {
  readonly namespace?: string
  readonly resourceVersion: string
  /** The API server ends the watch after this long; the caller watches again. */
  readonly timeoutSeconds?: number
}

export interface WriteOptions {
  /**
   * Looked at once the write's turn in the rate limiter has come: when it has aborted meanwhile
   * (a leader that lost its Lease), the write is not sent and rejects with the signal's reason.
   */
  readonly signal?: AbortSignal
}

export interface WatchHandle {
  /** Ends the watch; `onDone` is not called after this. */
  stop (): void
}

/** The narrow slice of the Kubernetes API netguard needs. Errors are KubeError (or network errors). */
export interface KubePort {
  list (resource: ResourceType, options?: ListOptions): Promise<ListPage>
  /**
   * Streams changes after `resourceVersion`, with bookmarks. `onDone` is called once when the
   * stream ends: without an error when the server closed it normally (watch again from the last
   * resourceVersion), with a KubeError (410: relist) or a network error otherwise.
   */
  watch (resource: ResourceType, options: WatchOptions, onEvent: (event: WatchEvent) => void, onDone: (error?: Error) => void): Promise<WatchHandle>
  /** The object, or undefined when it does not exist. */
  get (resource: ResourceType, name: string, namespace?: string): Promise<KubeObject | undefined>
  /** 409 AlreadyExists when it exists. */
  create (resource: ResourceType, object: KubeObject, options?: WriteOptions): Promise<KubeObject>
  /** Replaces the object; 409 Conflict when `metadata.resourceVersion` is stale. */
  replace (resource: ResourceType, object: KubeObject, options?: WriteOptions): Promise<KubeObject>
  delete (resource: ResourceType, name: string, namespace?: string, options?: WriteOptions): Promise<void>
}

/** An error answer of the API server: its HTTP status and Status reason (NotFound, Conflict, Expired...). */
export interface KubeError extends Error {
  readonly code: 'NG_ERR_KUBE_API'
  readonly status: number
  readonly reason: string
}

export function isKubeError (error: unknown, status?: number): error is KubeError {
  return error instanceof Error && (error as Partial<KubeError>).code === 'NG_ERR_KUBE_API' &&
    (status === undefined || (error as KubeError).status === status)
}

function kubeError (what: string, status: number, reason: string, message: string): KubeError {
  return Object.assign(new KubeApiError(what, status, message), { status, reason }) as KubeError
}

export interface KubePortOptions {
  /** Deadline of one non-watch request. @default 30000 */
  readonly requestTimeoutMs?: number
  /** Every write (create, replace, delete) of this port waits for a token of one bucket. @default DEFAULT_RATE_LIMIT */
  readonly writeLimit?: RateLimit
}

/**
 * An answer with Retry-After (429 Too Many Requests, or a 5xx from a server shedding load) is
 * tried again after the delay the server asks for, as client-go does, up to this many times.
 */
const MAX_RETRIES_AFTER = 5
/** A Retry-After longer than this is cut short: the caller's own backoff takes over after the retries. */
const MAX_RETRY_AFTER_MS = 30_000

/** A KubePort on client-node's KubeConfig (files, exec plugins, service account token rotation). */
export async function openKubePort (source: ClusterConfigSource, options: KubePortOptions = {}): Promise<KubePort> {
  const { KubeConfig, Watch } = await import('./client-node.ts')
  const config = new KubeConfig()
  try {
    if (source.type === 'in-cluster') {
      config.loadFromCluster()
    } else {
      const [first = '', ...rest] = source.files
      config.loadFromFile(first)
      for (const file of rest) {
        const more = new KubeConfig()
        more.loadFromFile(file)
        config.mergeConfig(more)
      }
    }
  } catch (error) {
    throw new KubeConfigError(describeClusterConfig(source), (error as Error).message)
  }
  const server = config.getCurrentCluster()?.server
  if (server === undefined) throw new KubeConfigError(describeClusterConfig(source), 'no current cluster')
  return new ClientNodePort(config, new Watch(config), server, options.requestTimeoutMs ?? 30_000, new TokenBucket(options.writeLimit ?? DEFAULT_RATE_LIMIT))
}

class ClientNodePort implements KubePort {
  private readonly config: KubeConfig
  private readonly server: string
  private readonly timeoutMs: number
  private readonly watcher: Watch
  private readonly writes: TokenBucket

  constructor (config: KubeConfig, watcher: Watch, server: string, timeoutMs: number, writes: TokenBucket) {
    this.config = config
    this.server = server
    this.timeoutMs = timeoutMs
    this.watcher = watcher
    this.writes = writes
  }

  async list (resource: ResourceType, options: ListOptions = {}): Promise<ListPage> {
    const query = { labelSelector: options.labelSelector, limit: options.limit, continue: options.continue }
    const list = await this.request('GET', resourcePath(resource, options.namespace), query) as {
      metadata?: { resourceVersion?: string, continue?: string }
      items?: KubeObject[] | null
    }
    const apiVersion = apiVersionOf(resource)
    return {
      items: (list.items ?? []).map((item) => ({ apiVersion, kind: resource.kind, ...item })),
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continue: list.metadata?.continue === '' ? undefined : list.metadata?.continue
    }
  }

  async watch (resource: ResourceType, options: WatchOptions, onEvent: (event: WatchEvent) => void, onDone: (error?: Error) => void): Promise<WatchHandle> {
    let stopped = false
    const path = resourcePath(resource, options.namespace)
    const query = { resourceVersion: options.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: options.timeoutSeconds }
    const controller = await this.watcher.watch(path, query, (type: string, object: KubeObject) => {
      if (!stopped) onEvent({ type: type as WatchEventType, object })
    }, (error: unknown) => {
      if (stopped) return
      stopped = true
      onDone(watchError(`GET ${path}?watch`, error))
    })
    return {
      stop () {
        stopped = true
        controller.abort()
      }
    }
  }

  async get (resource: ResourceType, name: string, namespace?: string): Promise<KubeObject | undefined> {
    try {
      return await this.request('GET', resourcePath(resource, namespace, name)) as KubeObject
    } catch (error) {
      if (isKubeError(error, 404)) return undefined
      throw error
    }
  }

  async create (resource: ResourceType, object: KubeObject, options?: WriteOptions): Promise<KubeObject> {
    return await this.request('POST', resourcePath(resource, object.metadata?.namespace), {}, object, options?.signal) as KubeObject
  }

  async replace (resource: ResourceType, object: KubeObject, options?: WriteOptions): Promise<KubeObject> {
    return await this.request('PUT', resourcePath(resource, object.metadata?.namespace, object.metadata?.name ?? ''), {}, object, options?.signal) as KubeObject
  }

  async delete (resource: ResourceType, name: string, namespace?: string, options?: WriteOptions): Promise<void> {
    await this.request('DELETE', resourcePath(resource, namespace, name), {}, undefined, options?.signal)
  }

  private async request (method: string, path: string, query: Record<string, string | number | undefined> = {}, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    const url = new URL(this.server + path)
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value))
    }
    const options: https.RequestOptions = {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' }
    }
    await this.config.applyToHTTPSOptions(options)
    const what = `${method} ${path}`
    const payload = body === undefined ? undefined : JSON.stringify(body)
    for (let attempt = 0; ; attempt++) {
      if (method !== 'GET') {
        await this.writes.take(signal)
        signal?.throwIfAborted()
      }
      const { status, text, retryAfterMs } = await send(url, options, payload, this.timeoutMs)
      if (retryAfterMs !== undefined && (status === 429 || status >= 500) && attempt < MAX_RETRIES_AFTER) {
        await delay(Math.min(retryAfterMs, MAX_RETRY_AFTER_MS))
        continue
      }
      const parsed = parseJson(text)
      if (status >= 200 && status < 300) return parsed
      const statusObject = (parsed ?? {}) as { reason?: string, message?: string }
      throw kubeError(what, status, statusObject.reason ?? http.STATUS_CODES[status] ?? 'Unknown', statusObject.message ?? text.slice(0, 200))
    }
  }
}

function send (url: URL, options: https.RequestOptions, body: string | undefined, timeoutMs: number): Promise<{ status: number, text: string, retryAfterMs: number | undefined }> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'http:' ? http : https).request(url, options, (response) => {
      // Decoded chunk by chunk into the JavaScript heap: a list page of whole objects is ~0.5 MB,
      // and gathering its Buffers to concatenate them held two copies outside the heap, in
      // memory that malloc keeps once freed.
      response.setEncoding('utf8')
      let text = ''
      response.on('data', (chunk: string) => { text += chunk })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text, retryAfterMs: retryAfter(response.headers['retry-after']) }))
      response.on('error', reject)
    })
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`${options.method ?? 'GET'} ${url.pathname} timed out after ${timeoutMs} ms`)))
    request.on('error', reject)
    request.end(body)
  })
}

/** Retry-After in milliseconds: whole seconds (what the API server sends) or an HTTP date. */
function retryAfter (header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** client-node's Watch reports a non-200 answer as an Error with statusCode; give it our shape. */
function watchError (what: string, error: unknown): Error | undefined {
  if (error === null || error === undefined) return undefined
  const status = (error as { statusCode?: unknown }).statusCode
  if (typeof status === 'number') return kubeError(what, status, http.STATUS_CODES[status] ?? 'Unknown', (error as Error).message)
  return error instanceof Error ? error : new Error(String(error))
}
