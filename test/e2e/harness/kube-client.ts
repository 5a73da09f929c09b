import { Agent, request } from 'node:https'

/**
 * What a tenant's or an admin's client sends: plain HTTPS to the API server with a bearer token,
 * trusting the cluster CA, and what comes back (status, body, the `Warning` headers kubectl shows).
 * Deliberately not netguard's own client code, so the suite sees exactly what the API server says.
 */
export interface KubeReply<T = Record<string, unknown>> {
  readonly status: number
  readonly body: T
  /** The text of each `Warning: 299 - "..."` header, in order. */
  readonly warnings: readonly string[]
}

export interface RequestOptions {
  readonly body?: unknown
  /** `?dryRun=All`: the API server runs admission and validation, and stores nothing. */
  readonly dryRun?: boolean
  readonly contentType?: string
  readonly query?: Record<string, string>
}

export class KubeClient {
  private readonly agent: Agent
  private readonly server: URL
  private readonly token: string
  readonly user: string

  constructor (server: string, token: string, ca: string, user: string) {
    this.server = new URL(server)
    this.token = token
    this.user = user
    this.agent = new Agent({ ca, keepAlive: true, maxSockets: 8 })
  }

  async request<T = Record<string, unknown>> (method: string, path: string, options: RequestOptions = {}): Promise<KubeReply<T>> {
    const query = new URLSearchParams(options.query)
    if (options.dryRun === true) query.set('dryRun', 'All')
    const search = query.size > 0 ? `?${query.toString()}` : ''
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body)
    return await new Promise((resolve, reject) => {
      const req = request({
        host: this.server.hostname,
        port: this.server.port,
        path: `${path}${search}`,
        method,
        agent: this.agent,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': options.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) })
        }
      }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let body: unknown
          try {
            body = text === '' ? {} : JSON.parse(text)
          } catch {
            body = { text }
          }
          resolve({ status: res.statusCode ?? 0, body: body as T, warnings: warningsOf(res.rawHeaders) })
        })
      })
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)))
      req.on('error', reject)
      req.end(payload)
    })
  }

  async get (path: string): Promise<KubeReply> { return await this.request('GET', path) }
  async create (path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<KubeReply> { return await this.request('POST', path, { ...options, body }) }
  async replace (path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<KubeReply> { return await this.request('PUT', path, { ...options, body }) }
  async delete (path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<KubeReply> { return await this.request('DELETE', path, options) }
  async mergePatch (path: string, body: unknown, options: Omit<RequestOptions, 'body' | 'contentType'> = {}): Promise<KubeReply> {
    return await this.request('PATCH', path, { ...options, body, contentType: 'application/merge-patch+json' })
  }

  close (): void {
    this.agent.destroy()
  }
}

/** `299 - "text"` → text (RFC 7234 warn-text, as the API server writes it). */
function warningsOf (rawHeaders: readonly string[]): string[] {
  const warnings: string[] = []
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() !== 'warning') continue
    const match = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(rawHeaders[index + 1] ?? '')
    if (match?.[1] !== undefined) warnings.push(match[1].replace(/\\(.)/g, '$1'))
  }
  return warnings
}

/** The REST path of an object (or of its collection, without a name) for the kinds the suite writes. */
export function pathOf (object: { apiVersion?: unknown, kind?: unknown, metadata?: { name?: unknown, namespace?: unknown } }, withName = true): string {
  const apiVersion = String(object.apiVersion)
  const resource = RESOURCES[`${apiVersion}/${String(object.kind)}`]
  if (resource === undefined) throw new Error(`the e2e client knows no resource for ${apiVersion} ${String(object.kind)}`)
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`
  const namespace = object.metadata?.namespace
  const scope = resource.namespaced && typeof namespace === 'string' ? `/namespaces/${namespace}` : ''
  const name = withName && typeof object.metadata?.name === 'string' ? `/${object.metadata.name}` : ''
  return `${base}${scope}/${resource.plural}${name}`
}

const RESOURCES: Record<string, { plural: string, namespaced: boolean }> = {
  'v1/Namespace': { plural: 'namespaces', namespaced: false },
  'v1/Service': { plural: 'services', namespaced: true },
  'v1/Pod': { plural: 'pods', namespaced: true },
  'v1/ServiceAccount': { plural: 'serviceaccounts', namespaced: true },
  'v1/ConfigMap': { plural: 'configmaps', namespaced: true },
  'v1/Secret': { plural: 'secrets', namespaced: true },
  'networking.k8s.io/v1/NetworkPolicy': { plural: 'networkpolicies', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRole': { plural: 'clusterroles', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { plural: 'clusterrolebindings', namespaced: false },
  'rbac.authorization.k8s.io/v1/Role': { plural: 'roles', namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': { plural: 'rolebindings', namespaced: true },
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': { plural: 'validatingwebhookconfigurations', namespaced: false },
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': { plural: 'mutatingwebhookconfigurations', namespaced: false },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': { plural: 'customresourcedefinitions', namespaced: false },
  'route.openshift.io/v1/Route': { plural: 'routes', namespaced: true },
  'k8s.cni.cncf.io/v1/NetworkAttachmentDefinition': { plural: 'network-attachment-definitions', namespaced: true },
  'k8s.ovn.org/v1/EgressFirewall': { plural: 'egressfirewalls', namespaced: true },
  'k8s.ovn.org/v1/EgressIP': { plural: 'egressips', namespaced: false },
  'wgpolicyk8s.io/v1alpha2/PolicyReport': { plural: 'policyreports', namespaced: true },
  'wgpolicyk8s.io/v1alpha2/ClusterPolicyReport': { plural: 'clusterpolicyreports', namespaced: false }
}
