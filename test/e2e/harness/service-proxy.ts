import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A Service's virtual IP as kube-proxy makes it, on loopback: each new TCP connection goes to the
 * next ready backend (round robin), and stays with it for its life. Removing a backend (its pod
 * is terminating, so the endpoint is gone) only stops new connections to it; connections the API
 * server already holds open to that replica keep going there, as conntrack keeps them.
 */
export class ServiceProxy {
  private readonly backends: number[] = []
  private readonly sockets = new Set<Socket>()
  private next = 0
  private closed = false
  /** Connections handed to each backend port. */
  readonly connections = new Map<number, number>()

  private readonly server: Server
  readonly port: number

  private constructor (server: Server, port: number) {
    this.server = server
    this.port = port
  }

  static async start (backends: readonly number[]): Promise<ServiceProxy> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    const proxy = new ServiceProxy(server, (server.address() as { port: number }).port)
    proxy.backends.push(...backends)
    server.on('connection', (client) => proxy.forward(client))
    return proxy
  }

  /** The endpoint is removed: no new connection goes to `port`. */
  remove (port: number): void {
    const index = this.backends.indexOf(port)
    if (index >= 0) this.backends.splice(index, 1)
  }

  add (port: number): void {
    if (!this.backends.includes(port)) this.backends.push(port)
  }

  private forward (client: Socket): void {
    if (this.closed) {
      client.destroy()
      return
    }
    this.sockets.add(client)
    client.once('close', () => this.sockets.delete(client))
    const port = this.backends[this.next++ % Math.max(this.backends.length, 1)]
    if (port === undefined) {
      client.destroy()
      return
    }
    this.connections.set(port, (this.connections.get(port) ?? 0) + 1)
    const upstream = connect({ host: '127.0.0.1', port })
    this.sockets.add(upstream)
    upstream.once('close', () => this.sockets.delete(upstream))
    // A reset on one side is a reset on the other, as it would be through kube-proxy's DNAT.
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.resetAndDestroy())
    client.pipe(upstream)
    upstream.pipe(client)
  }

  async close (): Promise<void> {
    this.closed = true
    for (const socket of this.sockets) socket.destroy()
    await new Promise((resolve) => this.server.close(resolve))
  }
}
