import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { join } from 'node:path'
import {
  apiVersionOf, CLUSTER_POLICY_REPORTS, KNOWN_RESOURCES, LEASES, POLICY_REPORTS, type ResourceType
} from '../../src/kube/resources.ts'
import { kindKey, type KubeObject } from '../../src/kube/types.ts'

/**
 * A test double of the Kubernetes API server on 127.0.0.1: real HTTP and the real REST shapes
 * (paged lists with resourceVersion and continue tokens, newline-delimited watch streams with
 * ADDED/MODIFIED/DELETED/BOOKMARK and ERROR 410, Status bodies for 404/409/410), plus the
 * defaulting a real API server does on write (policyTypes, protocol, managedFields...).
 * Tests change state through its methods, which emit watch events as another client's writes would.
 * It is the backend for faults on demand (410, 429, dropped watches, a lost Lease) and for fast,
 * seeded cluster state; what only the real API server decides (whether a webhook is called, RBAC,
 * CRD schemas, patches, dry runs) is tested against one in test/e2e/ (`npm run e2e`).
 */

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  /** The bearer token: which replica (kubeconfig) sent it. */
  readonly user: string
  readonly body: unknown
  /** When it arrived (performance.now()). */
  readonly at: number
  /** The HTTP status of the answer (200 for a watch that started). */
  readonly status: number
}

interface Stored { object: Record<string, unknown> & KubeObject }
interface Event { readonly rv: number, readonly key: string, readonly type: 'ADDED' | 'MODIFIED' | 'DELETED', readonly object: KubeObject }
interface Watcher { readonly key: string, readonly namespace: string | undefined, readonly response: ServerResponse, readonly bookmarks: boolean }
interface Fault { readonly match: FaultMatch, readonly status: number, readonly message: string, readonly retryAfterSeconds: number | undefined, remaining: number }

/** Which requests a fault hits: all that match every given field (`query`: a parameter that is present; `user`: the token). */
export interface FaultMatch { readonly method?: string, readonly path?: RegExp, readonly query?: string, readonly user?: string }

type Json = Record<string, unknown>

const BUILT_IN_GROUPS = new Set(['', 'networking.k8s.io', 'coordination.k8s.io', 'apps', 'batch'])
const REASONS: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 410: 'Expired', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' }

export interface FakeApiServerOptions {
  /** The resources it serves; others answer 404 (no OpenShift, no Multus...). @default all known */
  readonly resources?: readonly ResourceType[]
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = []
  private readonly served: readonly ResourceType[]
  private readonly store = new Map<string, Map<string, Stored>>()
  /** Per kind, the stored objects in key order; rebuilt on the first list after a write. */
  private readonly sorted = new Map<string, Stored[]>()
  private readonly events: Event[] = []
  private readonly watchers = new Set<Watcher>()
  private readonly sockets = new Set<Socket>()
  private readonly faults: Fault[] = []
  private readonly interceptions: { readonly match: FaultMatch, readonly run: () => void }[] = []
  private server: Server
  private port = 0
  private rv = 1000
  private compactedRv = 0
  private writeAnswerDelayMs = 0

  private constructor (served: readonly ResourceType[]) {
    this.served = served
    this.server = this.createHttpServer()
  }

  static async start (options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const fake = new FakeApiServer(options.resources ?? [...KNOWN_RESOURCES, LEASES, POLICY_REPORTS, CLUSTER_POLICY_REPORTS])
    await fake.listen()
    return fake
  }

  get url (): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** Writes a kubeconfig for this server; the token tells replicas apart in `requests`. */
  writeKubeconfig (dir: string, token = 'netguard'): string {
    const file = join(dir, `kubeconfig-${token}`)
    writeFileSync(file, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: token, user: { token } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: token } }],
      'current-context': 'fake'
    }))
    return file
  }

  // --- state, as other clients would change it ---

  /** Creates or overwrites an object (no resourceVersion check) and emits the watch event. */
  put (resource: ResourceType, object: KubeObject): KubeObject {
    const namespace = resource.namespaced ? object.metadata?.namespace : undefined
    const existing = this.find(resource, namespace, object.metadata?.name ?? '')
    return this.write(resource, object as Json, existing)
  }

  /** Deletes an object outright (a Namespace too) and emits DELETED. */
  remove (resource: ResourceType, name: string, namespace?: string): void {
    const existing = this.find(resource, namespace, name)
    if (existing === undefined) throw new Error(`no ${resource.kind} ${namespace ?? ''}/${name}`)
    this.erase(resource, existing)
  }

  get (resource: ResourceType, name: string, namespace?: string): KubeObject | undefined {
    return this.find(resource, namespace, name)?.object
  }

  list (resource: ResourceType, namespace?: string): KubeObject[] {
    return this.items(resource, namespace).map((stored) => stored.object)
  }

  /** Every write request (not GET), optionally for one resource type. */
  writes (resource?: ResourceType): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== 'GET' && (resource === undefined || request.path.includes(`/${resource.plural}`)))
  }

  /**
   * Forgets the event history, as etcd's compaction at the current revision: a watch or continue
   * token from an earlier resourceVersion gets 410 Gone; one from now on is served.
   */
  compact (): void {
    this.compactedRv = this.rv
    this.events.length = 0
  }

  /** Sends a BOOKMARK with the current resourceVersion to every watch that asked for bookmarks. */
  bookmark (): void {
    for (const watcher of this.watchers) {
      if (!watcher.bookmarks) continue
      const resource = this.served.find((candidate) => kindKey(candidate) === watcher.key)
      if (resource !== undefined) send(watcher.response, { type: 'BOOKMARK', object: { apiVersion: apiVersionOf(resource), kind: resource.kind, metadata: { resourceVersion: String(this.rv) } } })
    }
  }

  /**
   * The next `times` requests matching answer `status` instead, with `message`, and with a
   * Retry-After header when `retryAfterSeconds` is given (as the API server's 429 has).
   */
  failNext (match: FaultMatch, status: number, times = 1, { message = 'injected failure', retryAfterSeconds }: { message?: string, retryAfterSeconds?: number } = {}): void {
    this.faults.push({ match, status, message, retryAfterSeconds, remaining: times })
  }

  /**
   * Answers writes `ms` late, after their watch events have gone out: the order a busy real API
   * server often shows, in which a client hears of its own write before the write returns.
   */
  answerWritesLate (ms: number): void {
    this.writeAnswerDelayMs = ms
  }

  /**
   * Runs `run` just before the next request matching is handled, e.g. another client's write that
   * lands first and makes a replace stale (a genuine 409 Conflict).
   */
  beforeNext (match: FaultMatch, run: () => void): void {
    this.interceptions.push({ match, run })
  }

  /** Cuts every open watch stream mid-way, as a load balancer or a restarted API server does. */
  dropWatches (): number {
    const dropped = this.watchers.size
    for (const watcher of this.watchers) watcher.response.destroy()
    this.watchers.clear()
    return dropped
  }

  /** Number of open watch streams. */
  get watchCount (): number {
    return this.watchers.size
  }

  /** The API server goes away: stops listening and cuts every connection (watches included). */
  async stop (): Promise<void> {
    for (const watcher of this.watchers) watcher.response.destroy()
    this.watchers.clear()
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** Comes back on the same port with the same state. */
  async restart (): Promise<void> {
    this.server = this.createHttpServer()
    await this.listen(this.port)
  }

  async close (): Promise<void> {
    if (this.server.listening) await this.stop()
  }

  // --- HTTP ---

  private createHttpServer (): Server {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        status(response, 500, (error as Error).message)
      })
    })
    server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    return server
  }

  private async listen (port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => resolve())
    })
    this.port = (this.server.address() as AddressInfo).port
  }

  private async handle (request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url)
    const text = await readBody(request)
    const body: unknown = text === '' ? undefined : JSON.parse(text)
    const method = request.method ?? 'GET'
    const user = (request.headers.authorization ?? '').replace(/^Bearer /, '')
    const at = performance.now()
    try {
      this.dispatch(method, url, user, body, response)
    } finally {
      this.requests.push({ method, path: url.pathname, query: url.searchParams, user, body, at, status: response.statusCode })
    }
  }

  private dispatch (method: string, url: URL, user: string, body: unknown, response: ServerResponse): void {
    const matches = (match: FaultMatch): boolean => (match.method === undefined || match.method === method) &&
      (match.path === undefined || match.path.test(url.pathname)) && (match.query === undefined || url.searchParams.has(match.query)) &&
      (match.user === undefined || match.user === user)
    const interception = this.interceptions.findIndex(({ match }) => matches(match))
    if (interception >= 0) this.interceptions.splice(interception, 1)[0]?.run()
    const fault = this.faults.find(({ match, remaining }) => remaining > 0 && matches(match))
    if (fault !== undefined) {
      fault.remaining--
      if (fault.retryAfterSeconds !== undefined) response.setHeader('retry-after', String(fault.retryAfterSeconds))
      status(response, fault.status, fault.message)
      return
    }
    const target = this.route(url.pathname)
    if (target === undefined) {
      status(response, 404, 'the server could not find the requested resource')
      return
    }
    const { resource, namespace, name } = target
    if (this.writeAnswerDelayMs > 0 && method !== 'GET') answerLate(response, this.writeAnswerDelayMs)
    if (method === 'GET' && name === undefined && url.searchParams.get('watch') === 'true') this.watch(resource, namespace, url.searchParams, response)
    else if (method === 'GET' && name === undefined) this.listPage(resource, namespace, url.searchParams, response)
    else if (method === 'GET') this.read(resource, namespace, name ?? '', response)
    else if (method === 'POST' && name === undefined) this.create(resource, namespace, body as Json, response)
    else if (method === 'PUT' && name !== undefined) this.replace(resource, namespace, name, body as Json, response)
    else if (method === 'DELETE' && name !== undefined) this.delete(resource, namespace, name, response)
    else status(response, 405, `${method} is not supported here`)
  }

  private route (path: string): { resource: ResourceType, namespace: string | undefined, name: string | undefined } | undefined {
    const core = /^\/api\/(v1)\/(.+)$/.exec(path)
    const grouped = /^\/apis\/([^/]+)\/([^/]+)\/(.+)$/.exec(path)
    const [group, version, rest] = core !== null ? ['', core[1], core[2]] : grouped !== null ? [grouped[1], grouped[2], grouped[3]] : []
    if (rest === undefined) return undefined
    const segments = rest.split('/').map(decodeURIComponent)
    const [namespace, plural, name] = segments[0] === 'namespaces' && segments.length >= 3
      ? [segments[1], segments[2], segments[3]]
      : [undefined, segments[0], segments[1]]
    const resource = this.served.find((candidate) => candidate.group === group && candidate.version === version && candidate.plural === plural)
    return resource === undefined ? undefined : { resource, namespace, name }
  }

  private listPage (resource: ResourceType, namespace: string | undefined, query: URLSearchParams, response: ServerResponse): void {
    let start = ''
    const token = query.get('continue')
    if (token !== null && token !== '') {
      const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { rv: number, after: string }
      if (decoded.rv < this.compactedRv) {
        status(response, 410, 'The provided continue parameter is too old to display a consistent list result.')
        return
      }
      start = decoded.after
    }
    const selector = Object.entries(parseSelector(query.get('labelSelector')))
    const items = this.items(resource, namespace)
    const all = items.slice(firstAfter(items, start))
      .filter((stored) => selector.every(([key, value]) => stored.object.metadata?.labels?.[key] === value))
    const limit = Number(query.get('limit') ?? '0')
    const page = limit > 0 ? all.slice(0, limit) : all
    const more = limit > 0 && all.length > limit
    const last = page.at(-1)
    json(response, 200, {
      apiVersion: apiVersionOf(resource),
      kind: `${resource.kind}List`,
      metadata: {
        resourceVersion: String(this.rv),
        ...(more && last !== undefined ? { continue: Buffer.from(JSON.stringify({ rv: this.rv, after: storageKey(last.object) })).toString('base64'), remainingItemCount: all.length - page.length } : {})
      },
      items: page.map((stored) => BUILT_IN_GROUPS.has(resource.group) ? withoutTypeMeta(stored.object) : stored.object)
    })
  }

  private watch (resource: ResourceType, namespace: string | undefined, query: URLSearchParams, response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })
    const from = query.get('resourceVersion') ?? ''
    const key = kindKey(resource)
    const matches = (object: KubeObject): boolean => namespace === undefined || object.metadata?.namespace === namespace
    if (from !== '' && from !== '0' && Number(from) < this.compactedRv) {
      send(response, { type: 'ERROR', object: statusBody(410, `too old resource version: ${from} (${this.compactedRv})`) })
      response.end()
      return
    }
    if (from === '' || from === '0') {
      for (const stored of this.items(resource, namespace)) send(response, { type: 'ADDED', object: stored.object })
    } else {
      for (const event of this.events) {
        if (event.key === key && event.rv > Number(from) && matches(event.object)) send(response, { type: event.type, object: event.object })
      }
    }
    const watcher: Watcher = { key, namespace, response, bookmarks: query.get('allowWatchBookmarks') === 'true' }
    this.watchers.add(watcher)
    const timeout = Number(query.get('timeoutSeconds') ?? '0')
    const timer = timeout > 0 ? setTimeout(() => response.end(), timeout * 1000) : undefined
    response.on('close', () => {
      clearTimeout(timer)
      this.watchers.delete(watcher)
    })
  }

  private read (resource: ResourceType, namespace: string | undefined, name: string, response: ServerResponse): void {
    const found = this.find(resource, namespace, name)
    if (found === undefined) status(response, 404, `${resource.plural} "${name}" not found`)
    else json(response, 200, found.object)
  }

  private create (resource: ResourceType, namespace: string | undefined, body: Json, response: ServerResponse): void {
    const metadata = (body.metadata ?? {}) as Json
    const name = String(metadata.name ?? '')
    if (this.find(resource, namespace, name) !== undefined) {
      status(response, 409, `${resource.plural}.${resource.group} "${name}" already exists`, 'AlreadyExists')
      return
    }
    if (resource.namespaced) {
      const home = this.find(KNOWN_RESOURCES[0] as ResourceType, undefined, namespace ?? '')
      if (home === undefined) {
        status(response, 404, `namespaces "${namespace ?? ''}" not found`)
        return
      }
      if (home.object.metadata?.deletionTimestamp !== undefined) {
        status(response, 403, `unable to create new content in namespace ${namespace ?? ''} because it is being terminated`)
        return
      }
    }
    const created = this.write(resource, { ...body, metadata: { ...metadata, ...(resource.namespaced ? { namespace } : {}) } }, undefined)
    json(response, 201, created)
  }

  private replace (resource: ResourceType, namespace: string | undefined, name: string, body: Json, response: ServerResponse): void {
    const existing = this.find(resource, namespace, name)
    if (existing === undefined) {
      status(response, 404, `${resource.plural} "${name}" not found`)
      return
    }
    const sent = ((body.metadata ?? {}) as Json).resourceVersion
    if (sent !== undefined && sent !== existing.object.metadata?.resourceVersion) {
      status(response, 409, `Operation cannot be fulfilled on ${resource.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`)
      return
    }
    json(response, 200, this.write(resource, body, existing))
  }

  private delete (resource: ResourceType, namespace: string | undefined, name: string, response: ServerResponse): void {
    const existing = this.find(resource, namespace, name)
    if (existing === undefined) {
      status(response, 404, `${resource.plural} "${name}" not found`)
      return
    }
    if (resource.kind === 'Namespace' && resource.group === '') {
      // A namespace lingers as Terminating while its content is deleted.
      const object = existing.object
      json(response, 200, this.write(resource, { ...object, metadata: { ...object.metadata, deletionTimestamp: new Date().toISOString() }, status: { phase: 'Terminating' } }, existing))
      return
    }
    this.erase(resource, existing)
    json(response, 200, statusBody(200, 'deleted'))
  }

  // --- storage ---

  private items (resource: ResourceType, namespace: string | undefined): Stored[] {
    const key = kindKey(resource)
    let all = this.sorted.get(key)
    if (all === undefined) {
      all = [...(this.store.get(key)?.values() ?? [])].sort((a, b) => compareKeys(storageKey(a.object), storageKey(b.object)))
      this.sorted.set(key, all)
    }
    return !resource.namespaced || namespace === undefined ? all : all.filter((stored) => stored.object.metadata?.namespace === namespace)
  }

  private find (resource: ResourceType, namespace: string | undefined, name: string): Stored | undefined {
    return this.store.get(kindKey(resource))?.get(`${resource.namespaced ? namespace ?? '' : ''}/${name}`)
  }

  private write (resource: ResourceType, body: Json, existing: Stored | undefined): KubeObject {
    const metadata = (body.metadata ?? {}) as Json
    const before = existing?.object
    const rv = ++this.rv
    const specChanged = JSON.stringify(body.spec) !== JSON.stringify(before?.spec)
    const object = applyDefaults(resource, {
      ...body,
      apiVersion: apiVersionOf(resource),
      kind: resource.kind,
      metadata: {
        ...metadata,
        uid: before?.metadata?.uid ?? randomUUID(),
        creationTimestamp: (before?.metadata as Json | undefined)?.creationTimestamp ?? new Date().toISOString(),
        generation: Number((before?.metadata as Json | undefined)?.generation ?? 0) + (specChanged || before === undefined ? 1 : 0),
        resourceVersion: String(rv),
        managedFields: metadata.managedFields ?? [{ manager: 'fake', operation: 'Update', apiVersion: apiVersionOf(resource), time: new Date().toISOString(), fieldsType: 'FieldsV1', fieldsV1: {} }]
      }
    })
    const key = kindKey(resource)
    const bucket = this.store.get(key) ?? new Map<string, Stored>()
    this.store.set(key, bucket)
    bucket.set(storageKey(object), { object })
    this.sorted.delete(key)
    this.emit({ rv, key, type: existing === undefined ? 'ADDED' : 'MODIFIED', object })
    return object
  }

  private erase (resource: ResourceType, existing: Stored): void {
    const key = kindKey(resource)
    this.store.get(key)?.delete(storageKey(existing.object))
    this.sorted.delete(key)
    const rv = ++this.rv
    const object = { ...existing.object, metadata: { ...existing.object.metadata, resourceVersion: String(rv) } }
    this.emit({ rv, key, type: 'DELETED', object })
  }

  private emit (event: Event): void {
    this.events.push(event)
    for (const watcher of this.watchers) {
      if (watcher.key === event.key && (watcher.namespace === undefined || watcher.namespace === event.object.metadata?.namespace)) {
        send(watcher.response, { type: event.type, object: event.object })
      }
    }
  }
}

/** What the API server fills in on write for the kinds these tests use. */
function applyDefaults (resource: ResourceType, object: Json): Json & KubeObject {
  if (resource.kind === 'Namespace') {
    const metadata = object.metadata as Json
    return {
      ...object,
      metadata: { ...metadata, labels: { ...(metadata.labels as Json | undefined), 'kubernetes.io/metadata.name': String(metadata.name) } },
      spec: { finalizers: ['kubernetes'] },
      status: object.status ?? { phase: 'Active' }
    }
  }
  if (resource.kind === 'NetworkPolicy') {
    const spec = (object.spec ?? {}) as Json
    const egress = spec.egress as Json[] | undefined
    const withProtocol = (rules: Json[] | undefined): Json[] | undefined => rules?.map((rule) => ({
      ...rule, ...(rule.ports === undefined ? {} : { ports: (rule.ports as Json[]).map((port) => ({ protocol: 'TCP', ...port })) })
    }))
    return {
      ...object,
      spec: {
        ...spec,
        ...(spec.ingress === undefined ? {} : { ingress: withProtocol(spec.ingress as Json[]) }),
        ...(egress === undefined ? {} : { egress: withProtocol(egress) }),
        policyTypes: spec.policyTypes ?? (egress !== undefined && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'])
      }
    }
  }
  return object
}

function storageKey (object: KubeObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`
}

/** Code-unit order, as etcd orders keys (and far cheaper than localeCompare on 30,000 keys). */
function compareKeys (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Index of the first item whose key sorts after `key` (binary search; items are in key order). */
function firstAfter (items: readonly Stored[], key: string): number {
  let low = 0
  let high = items.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (storageKey((items[middle] as Stored).object) > key) high = middle
    else low = middle + 1
  }
  return low
}

function withoutTypeMeta (object: KubeObject): KubeObject {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = object
  return rest
}

function parseSelector (text: string | null): Record<string, string> {
  const selector: Record<string, string> = {}
  for (const term of (text ?? '').split(',').filter((part) => part !== '')) {
    const [key = '', value = ''] = term.split('=')
    selector[key] = value
  }
  return selector
}

function statusBody (code: number, message: string, reason?: string): Json {
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: code < 300 ? 'Success' : 'Failure', message, reason: reason ?? REASONS[code] ?? 'Unknown', code }
}

function status (response: ServerResponse, code: number, message: string, reason?: string): void {
  json(response, code, statusBody(code, message, reason))
}

function json (response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

function send (response: ServerResponse, event: unknown): void {
  if (!response.writableEnded) response.write(`${JSON.stringify(event)}\n`)
}

async function readBody (request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Holds back the end of `response` (and so all of it: nothing is sent before the end here) by `ms`. */
function answerLate (response: ServerResponse, ms: number): void {
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse
  response.end = ((...args: unknown[]) => {
    setTimeout(() => end(...args), ms)
    return response
  }) as typeof response.end
}
