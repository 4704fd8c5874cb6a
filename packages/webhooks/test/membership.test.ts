/**
 * The membership memory behind `latestParticipantEvents`: the latest
 * participant event of each (chat, handle) by change time whatever the
 * order of delivery, remembered before it is published, for the duplicate
 * window, and at most `dedupeCapacity` entries.
 */
import { describe, expect, it } from "@effect/vitest"
import { LinqWebhooks } from "@linq-effect/webhooks"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import {
  atNow,
  body,
  CHAT,
  HANDLE,
  NOW_SECONDS,
  participantEvent,
  SECRET,
  standardHeaders
} from "./testkit.js"

const at = (secondsBefore: number) => new Date((NOW_SECONDS - secondsBefore) * 1000).toISOString()

/** A signed delivery of `type` for `handle` (change `secondsBefore` now), event id `id`. */
const delivery = (
  type: "participant.added" | "participant.removed",
  id: string,
  handle: string,
  secondsBefore = 0
) => {
  const raw = body(
    participantEvent({
      type,
      id,
      data: {
        handle,
        chat_id: CHAT,
        [type === "participant.added" ? "added_at" : "removed_at"]: at(secondsBefore)
      }
    })
  )
  return { body: raw, headers: standardHeaders(raw, { id: `msg_${id}` }) }
}

describe("latestParticipantEvents", () => {
  it.effect("keeps the latest change of each handle, whatever the order of delivery", () =>
    atNow(
      Effect.gen(function* () {
        const webhooks = yield* LinqWebhooks.make({ secret: SECRET })
        yield* webhooks.receive(delivery("participant.added", "e1", HANDLE, 10))
        yield* webhooks.receive(delivery("participant.removed", "e2", HANDLE, 20))
        yield* webhooks.receive(delivery("participant.removed", "e3", "ana@example.com", 5))
        const latest = yield* webhooks.latestParticipantEvents(CHAT, [
          HANDLE,
          "ANA@example.com",
          "+15550000000"
        ])
        expect(latest.map((e) => [e._tag, e.eventId])).toEqual([
          ["ParticipantAdded", "e1"],
          ["ParticipantRemoved", "e3"]
        ])
        expect(yield* webhooks.latestParticipantEvents("another-chat", [HANDLE])).toEqual([])
      })
    )
  )

  it.effect("forgets after the duplicate window", () =>
    atNow(
      Effect.gen(function* () {
        const webhooks = yield* LinqWebhooks.make({ secret: SECRET, dedupeWindow: "10 minutes" })
        yield* webhooks.receive(delivery("participant.added", "e1", HANDLE))
        yield* TestClock.adjust("9 minutes")
        expect(yield* webhooks.latestParticipantEvents(CHAT, [HANDLE])).toHaveLength(1)
        yield* TestClock.adjust("1 minute")
        expect(yield* webhooks.latestParticipantEvents(CHAT, [HANDLE])).toHaveLength(0)
      })
    )
  )

  it.effect("holds at most dedupeCapacity entries under a flood of handles, the oldest forgotten first", () =>
    atNow(
      Effect.gen(function* () {
        const webhooks = yield* LinqWebhooks.make({ secret: SECRET, dedupeCapacity: 3 })
        const handles = Array.from({ length: 10 }, (_, i) => `+1555000000${i}`)
        for (const [i, handle] of handles.entries())
          yield* webhooks.receive(delivery("participant.added", `e${i}`, handle))
        const latest = yield* webhooks.latestParticipantEvents(CHAT, handles)
        expect(latest.map((e) => e.handle)).toEqual(handles.slice(7))
      })
    )
  )
})
