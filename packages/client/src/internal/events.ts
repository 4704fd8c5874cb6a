/**
 * Deciding from participant webhooks whether queued changes show: the latest
 * event of each handle, by change time, against the change wanted of it.
 *
 * The rule (documented on `awaitMembership`): for each handle, only the
 * latest event counts, by `at` (then `createdAt`), whatever order the events
 * came in (`latestParticipantEvent`); an event whose change is older than
 * `since` is left out (it tells a state from before the changes were sent).
 * A change shows when its handle's latest event is the one wanted: a
 * `ParticipantAdded` for an add, a `ParticipantRemoved` for a removal. A
 * duplicate is the event already held; a stale `removed` after a newer
 * `added` is older, so neither changes anything.
 */
import type { ChatId } from "@linq-effect/core"
import { DateTime } from "effect"
import type { ParticipantEvent, WebhookEvent } from "@linq-effect/webhooks"
import { isParticipantEvent, latestParticipantEvent } from "@linq-effect/webhooks"
import { handleKey } from "./batch.js"

/** The changes a wait is about: handles to show active, handles to show gone. */
export interface Changes {
  readonly added: ReadonlyArray<string>
  readonly removed: ReadonlyArray<string>
}

/** What each watched handle should become, and the latest event of each so far. */
export interface Tally {
  /** Takes `event` in; true when it is about a watched handle of the chat (and recent enough). */
  readonly take: (event: WebhookEvent) => boolean
  /** Every change shows. */
  readonly done: () => boolean
  /** The latest event of each handle whose change it shows, in the order of the changes. */
  readonly shown: () => ReadonlyArray<ParticipantEvent>
  /** The changes no event shows yet. */
  readonly left: () => Changes
}

type Wanted = "ParticipantAdded" | "ParticipantRemoved"

/** A tally of `changes` in `chatId`, counting events whose change is at or after `since` (clock millis). */
export const makeTally = (chatId: ChatId, changes: Changes, since: number): Tally => {
  const wanted = new Map<string, { readonly handle: string; readonly tag: Wanted }>()
  for (const handle of changes.added) wanted.set(handleKey(handle), { handle, tag: "ParticipantAdded" })
  for (const handle of changes.removed) wanted.set(handleKey(handle), { handle, tag: "ParticipantRemoved" })
  const latest = new Map<string, ParticipantEvent>()
  const showsChange = (key: string) => latest.get(key)?._tag === wanted.get(key)?.tag
  let open = wanted.size

  return {
    take: (event) => {
      if (!isParticipantEvent(event) || event.chatId !== chatId) return false
      const key = handleKey(event.handle)
      if (!wanted.has(key) || DateTime.toEpochMillis(event.at) < since) return false
      const before = showsChange(key)
      const held = latest.get(key)
      latest.set(key, held === undefined ? event : latestParticipantEvent(held, event))
      const after = showsChange(key)
      if (before !== after) open += after ? -1 : 1
      return true
    },
    done: () => open === 0,
    shown: () =>
      [...wanted.keys()].flatMap((key) => (showsChange(key) ? [latest.get(key) as ParticipantEvent] : [])),
    left: () => ({
      added: changes.added.filter((h) => !showsChange(handleKey(h))),
      removed: changes.removed.filter((h) => !showsChange(handleKey(h)))
    })
  }
}
