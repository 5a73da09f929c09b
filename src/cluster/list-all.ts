import { isKubeError, type KubePort } from '../kube/port.ts'
import type { ResourceType } from '../kube/resources.ts'
import type { KubeObject } from '../kube/types.ts'

/**
 * Every object of a kind, page by page, and the resourceVersion to watch from; undefined when the
 * cluster does not serve the kind (404). A continue token that expired mid-list (410) starts over.
 */
export async function listAll (port: KubePort, resource: ResourceType, pageSize: number): Promise<{ items: KubeObject[], resourceVersion: string } | undefined> {
  const items: KubeObject[] = []
  let token: string | undefined
  for (;;) {
    try {
      const page = await port.list(resource, { limit: pageSize, continue: token })
      items.push(...page.items)
      token = page.continue
      if (token === undefined) return { items, resourceVersion: page.resourceVersion }
    } catch (error) {
      if (isKubeError(error, 404)) return undefined
      if (!isKubeError(error, 410) || token === undefined) throw error
      items.length = 0
      token = undefined
    }
  }
}
