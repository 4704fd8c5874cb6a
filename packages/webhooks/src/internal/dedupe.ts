/**
 * The duplicate window of `LinqWebhooks`: event ids seen in the last `window`
 * milliseconds, at most `capacity` of them. A `Map` keeps insertion order,
 * which is the order of expiry (every id gets the same window), so expired
 * ids leave from the front and, under a flood of distinct ids, the oldest
 * leaves first: memory never holds more than `capacity` ids.
 *
 * @internal
 */
export interface Dedupe {
  /** Marks `id` as seen at `now`; `false` when it was already seen within the window. */
  readonly claim: (id: string, now: number) => boolean
  /** Forgets `id` (its event could not be taken in: the retry must be accepted). */
  readonly release: (id: string) => void
  readonly size: () => number
}

/** @internal */
export const make = (windowMillis: number, capacity: number): Dedupe => {
  const expiries = new Map<string, number>()
  const evictExpired = (now: number) => {
    for (const [id, expiry] of expiries) {
      if (expiry > now) break
      expiries.delete(id)
    }
  }
  return {
    claim: (id, now) => {
      evictExpired(now)
      const expiry = expiries.get(id)
      if (expiry !== undefined) {
        if (expiry > now) return false
        expiries.delete(id)
      }
      while (expiries.size >= capacity) {
        const oldest = expiries.keys().next()
        if (oldest.done === true) break
        expiries.delete(oldest.value)
      }
      expiries.set(id, now + windowMillis)
      return true
    },
    release: (id) => {
      expiries.delete(id)
    },
    size: () => expiries.size
  }
}
