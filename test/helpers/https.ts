import { X509Certificate } from 'node:crypto'
import { Agent, request } from 'node:https'
import { connect, type ConnectionOptions } from 'node:tls'

export interface HttpsReply {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
  readonly reusedSocket: boolean
}

/** One HTTPS request to 127.0.0.1, trusting `ca`. */
export async function httpsRequest (port: number, path: string, options: { ca: string, body?: unknown, agent?: Agent | false, method?: string }): Promise<HttpsReply> {
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
  return await new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
      ca: options.ca,
      agent: options.agent ?? false,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reusedSocket: req.reusedSocket }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/** The TLS handshake alone: the negotiated protocol and the served certificate's fingerprint, or the error. */
export async function handshake (port: number, options: ConnectionOptions): Promise<{ protocol: string | null, fingerprint: string } | { error: Error }> {
  return await new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options }, () => {
      const result = { protocol: socket.getProtocol(), fingerprint: socket.getPeerX509Certificate()?.fingerprint256 ?? '' }
      socket.end()
      resolve(result)
    })
    socket.on('error', (error) => resolve({ error }))
  })
}

export function fingerprintOf (pem: string): string {
  return new X509Certificate(pem).fingerprint256
}

/** Polls `check` until it holds (watchers are asynchronous), failing after `timeoutMs`. */
export async function eventually (check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return false
}
