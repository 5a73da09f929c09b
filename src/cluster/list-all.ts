import { isKubeError, type KubePort } from '../kube/port.ts'
import type { ResourceType } from '../kube/resources.ts'
import type { KubeObject } from '../kube/types.ts'

/**
 * Every object of a kind, page by page, each passed through `transform` as its page comes (so
 * only one page of whole objects is ever held), and the resourceVersion to watch from; undefined
 * when the cluster does not serve the kind (404). A continue token that expired mid-list (410)
 * starts the list over, a few times; then the 410 goes to the caller, whose backoff waits.
 */
export async function listAll (
  port: KubePort,
  resource: ResourceType,
  pageSize: number,
  transform: (object: KubeObject) => KubeObject = (object) => object
): Promise<{ items: KubeObject[], resourceVersion: string } | undefined> {
  const items: KubeObject[] = []
  let token: string | undefined
  for (let restarts = 0; ;) {
    try {
      const page = await port.list(resource, { limit: pageSize, continue: token })
      for (const item of page.items) items.push(transform(item))
      token = page.continue
      if (token === undefined) return { items, resourceVersion: page.resourceVersion }
    } catch (error) {
      if (isKubeError(error, 404)) return undefined
      if (!isKubeError(error, 410) || token === undefined || ++restarts > MAX_RESTARTS) throw error
      items.length = 0
      token = undefined
    }
  }
}

/** Lists started over after an expired continue token before giving up to the caller's backoff. */
const MAX_RESTARTS = 3

/**
 * At most `slots` lists at once among the informers that share it. The caches of a large
 * cluster list one kind at a time: each list holds a page of whole objects (managedFields,
 * last-applied annotations) until it is projected, and seven kinds listing at once kept seven
 * pages, which the heap keeps as RSS long after. The sync takes little longer: parsing is on one
 * thread anyway.
 */
export class ListGate {
  private free: number
  private readonly waiting = new Set<() => void>()

  constructor (slots = 1) {
    this.free = slots
  }

  /** Runs `list` once a slot is free; rejects without running it when `signal` aborts first. */
  async run<T> (list: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted()
    if (this.free > 0) {
      this.free--
    } else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          this.waiting.delete(grant)
          reject(signal?.reason)
        }
        const grant = (): void => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        this.waiting.add(grant)
      })
    }
    try {
      return await list()
    } finally {
      const [next] = this.waiting
      if (next === undefined) {
        this.free++
      } else {
        this.waiting.delete(next)
        next()
      }
    }
  }
}
