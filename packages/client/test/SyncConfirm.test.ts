/**
 * syncParticipants' `wait` with a LinqWebhooks in context: the newcomers and
 * the removals confirmed by their participant events, with no read of the
 * chat but the planning one (counted in FakeLinq's journal); reordered and
 * duplicated events neither confirm early nor fail it; a dropped event costs
 * exactly one read, near the deadline.
 */
import { describe, expect, it } from "@effect/vitest"
import { syncParticipants } from "@linq-effect/client"
import type { MembershipPending } from "@linq-effect/core"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { awaitCount, C, count, deliver, events, H, routes, settle } from "./webhooks.js"

const chat = C.iMessageGroup
/** In the iMessage group (alice, ours; bob, carol, dave): two newcomers in, carol and dave out. */
const swap = [H.alice, H.bob, H.newcomer, H.iMessageCapable]
const running = <A, E>(fiber: Fiber.Fiber<A, E>) => fiber.pollUnsafe() === undefined

describe("a sync confirmed by events", () => {
  it.effect("newcomers, then removals, each confirmed by its event: the planning read only", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(syncParticipants(chat, swap, { wait: "30 seconds" }))
      yield* awaitCount("add", 2)
      yield* deliver("participant.added", chat, H.newcomer)
      yield* settle
      // One newcomer shown: the removals wait for the other.
      expect(yield* count("remove")).toBe(0)
      yield* deliver("participant.added", chat, H.iMessageCapable)
      yield* awaitCount("remove", 2)
      yield* deliver("participant.removed", chat, H.carol)
      yield* deliver("participant.removed", chat, H.dave)
      const result = yield* Fiber.join(fiber)
      expect(result).toMatchObject({ complete: true, confirmed: true })
      expect(yield* count("getChat")).toBe(1)
      expect((yield* routes).filter((r) => r === "add" || r === "remove")).toEqual([
        "add",
        "add",
        "remove",
        "remove"
      ])
    }).pipe(Effect.provide(events("1 hour")))
  )

  it.effect("reordered and duplicated events: a stale one neither confirms nor undoes", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(100_000)
      const fiber = yield* Effect.forkChild(syncParticipants(chat, swap, { wait: "30 seconds" }))
      yield* awaitCount("add", 2)
      // newcomer: removed (newer) came before an older add: not shown.
      yield* deliver("participant.removed", chat, H.newcomer, { at: 100_050 })
      yield* deliver("participant.added", chat, H.newcomer, { at: 100_020 })
      yield* deliver("participant.added", chat, H.iMessageCapable, { id: "evt-capable" })
      yield* deliver("participant.added", chat, H.iMessageCapable, { id: "evt-capable" })
      yield* settle
      expect(yield* count("remove")).toBe(0)
      // Its later add shows it; the stale removal delivered after does not undo it.
      yield* deliver("participant.added", chat, H.newcomer, { at: 100_080 })
      yield* awaitCount("remove", 2)
      yield* deliver("participant.removed", chat, H.newcomer, { at: 100_010 })
      yield* deliver("participant.removed", chat, H.dave)
      yield* deliver("participant.removed", chat, H.carol)
      const result = yield* Fiber.join(fiber)
      expect(result).toMatchObject({ complete: true, confirmed: true })
      expect(yield* count("getChat")).toBe(1)
    }).pipe(Effect.provide(events("1 hour")))
  )

  it.effect("a dropped event: one read 2 s before the deadline shows the change, confirmed", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(
        syncParticipants(chat, [H.alice, H.bob, H.carol], { wait: "10 seconds" })
      )
      yield* awaitCount("remove", 1)
      // Linq applies the removal after 1 s, and its event is lost.
      yield* TestClock.adjust(7_999)
      yield* settle
      expect([yield* count("getChat"), running(fiber)]).toEqual([1, true])
      yield* TestClock.adjust(1)
      const result = yield* Fiber.join(fiber)
      expect(result).toMatchObject({ complete: true, confirmed: true })
      expect(yield* count("getChat")).toBe(2)
    }).pipe(Effect.provide(events("1 second")))
  )

  it.effect("a change Linq dropped: one last read, then MembershipPending with what was sent", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(
        syncParticipants(chat, [H.alice, H.bob, H.carol], { wait: "10 seconds" })
      )
      yield* awaitCount("remove", 1)
      yield* TestClock.adjust(8_000)
      yield* awaitCount("getChat", 2)
      const error = (yield* Effect.flip(Fiber.join(fiber))) as MembershipPending
      expect(error).toMatchObject({
        _tag: "MembershipPending",
        chatId: chat,
        missing: [],
        unexpected: [H.dave],
        sent: [H.dave],
        seen: true
      })
      expect(yield* count("getChat")).toBe(2)
    }).pipe(Effect.provide(events("1 hour")))
  )

  it.effect("an event already delivered before the sync waits (it raced the 202) is not lost", () =>
    Effect.gen(function* () {
      // A removal from an earlier sync's queue, its event delivered before this sync runs.
      const first = yield* syncParticipants(chat, [H.alice, H.bob, H.carol])
      expect(first.complete).toBe(true)
      yield* deliver("participant.removed", chat, H.dave)
      const result = yield* syncParticipants(chat, [H.alice, H.bob, H.carol], { wait: "10 seconds" })
      expect(result).toMatchObject({ confirmed: true, added: [], removed: [] })
      expect(yield* count("remove")).toBe(1)
      // The planning read of each sync; no read to wait for the queued removal.
      expect(yield* count("getChat")).toBe(2)
    }).pipe(Effect.provide(events("1 hour")))
  )
})
