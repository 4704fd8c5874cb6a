/**
 * The membership memory of `LinqWebhooks`: the latest participant event of
 * each (chat, handle), kept for the duplicate window. A confirmation
 * (`awaitMembership` in `@linq-effect/client`) subscribes to the events,
 * then asks this memory what came before: an event that arrived between a
 * change's 202 and the wait is not lost.
 *
 * **The seam.** {@link MembershipMemory} is all `LinqWebhooks` needs: `note`
 * an event as it is taken in (before it is published, so that a subscriber
 * that consults the memory after subscribing misses nothing), and `latest`
 * for the handles one wait is about. Both are Effects so another store can
 * stand behind it (Redis, shared by replicas: one `note` per event, one
 * lookup of a few keys per wait). Only {@link makeInMemory} exists here.
 *
 * **The rule.** Of two events of one (chat, handle), `latestParticipantEvent`
 * keeps the one with the later change time `at` (then the later `createdAt`;
 * on a full tie the one held stays), whatever order they came in.
 *
 * **The bounds.** An entry expires `window` ms after the event that set it
 * was noted; at most `capacity` entries are held, the least recently set
 * forgotten first. A `Map` keeps insertion order and an entry is re-inserted
 * when it changes, so that order is also the order of expiry (as in
 * `dedupe.ts`).
 *
 * @internal
 */
import { Effect } from "effect"
import { latestParticipantEvent, type ParticipantEvent } from "../WebhookEvent.js"

/** @internal */
export interface MembershipMemory {
  /** Keeps `event` (noted at `now`, clock millis) unless a later event of its (chat, handle) is held. */
  readonly note: (event: ParticipantEvent, now: number) => Effect.Effect<void>
  /** The latest event held for each of `handles` in `chatId` (none for a handle without one). */
  readonly latest: (
    chatId: string,
    handles: ReadonlyArray<string>,
    now: number
  ) => Effect.Effect<ReadonlyArray<ParticipantEvent>>
  /** How many (chat, handle) entries it holds. */
  readonly size: Effect.Effect<number>
}

/** Emails compare case-insensitively (as `GroupChatRules.sameHandle` does), phone numbers exactly. */
const keyOf = (chatId: string, handle: string): string =>
  `${chatId}\u0000${handle.includes("@") ? handle.toLowerCase() : handle}`

interface Entry {
  readonly event: ParticipantEvent
  readonly expiry: number
}

/** @internal */
export const makeInMemory = (windowMillis: number, capacity: number): MembershipMemory => {
  const entries = new Map<string, Entry>()
  const evictExpired = (now: number) => {
    for (const [key, entry] of entries) {
      if (entry.expiry > now) break
      entries.delete(key)
    }
  }
  return {
    note: (event, now) =>
      Effect.sync(() => {
        evictExpired(now)
        const key = keyOf(event.chatId, event.handle)
        const held = entries.get(key)?.event
        if (held !== undefined && latestParticipantEvent(held, event) === held) return
        entries.delete(key)
        while (entries.size >= capacity) {
          const oldest = entries.keys().next()
          if (oldest.done === true) break
          entries.delete(oldest.value)
        }
        entries.set(key, { event, expiry: now + windowMillis })
      }),
    latest: (chatId, handles, now) =>
      Effect.sync(() => {
        evictExpired(now)
        const found: Array<ParticipantEvent> = []
        for (const handle of handles) {
          const entry = entries.get(keyOf(chatId, handle))
          if (entry !== undefined) found.push(entry.event)
        }
        return found
      }),
    size: Effect.sync(() => entries.size)
  }
}
