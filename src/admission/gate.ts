/**
 * A counting semaphore whose waiters give up: at most `slots` holders at once, the rest wait in
 * arrival order for at most `maxWaitMs`. The webhook passes large review bodies through one, so
 * that their parsing (synchronous, and tens of megabytes of heap each) never piles up: a body
 * that waits is not read, and TCP holds it back at the client.
 */
export class Gate {
  #free: number
  readonly #waiting: { readonly admit: () => void }[] = []

  constructor (slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`a gate needs at least one slot, not ${slots}`)
    this.#free = slots
  }

  /** How many wait now (for tests and metrics). */
  get waiting (): number {
    return this.#waiting.length
  }

  /** Resolves with a release function once a slot is free, or undefined after `maxWaitMs`. */
  async enter (maxWaitMs: number): Promise<(() => void) | undefined> {
    if (this.#free > 0) {
      this.#free--
      return this.#releaser()
    }
    return await new Promise((resolve) => {
      const entry = {
        admit: () => {
          clearTimeout(timer)
          resolve(this.#releaser())
        }
      }
      const timer = setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(entry), 1)
        resolve(undefined)
      }, maxWaitMs)
      this.#waiting.push(entry)
    })
  }

  /** A release that counts once however often it is called (a response can close twice). */
  #releaser (): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiting.shift()
      if (next === undefined) this.#free++
      else next.admit()
    }
  }
}
