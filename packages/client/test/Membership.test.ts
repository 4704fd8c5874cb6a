/**
 * awaitMembership against an in-process FakeLinq on the TestClock: with a
 * LinqWebhooks in context it decides from signed participant events (no
 * read of the chat, counted in FakeLinq's journal, unless the time-out
 * nears, then exactly one), an event that raced the 202 is not lost,
 * reordered and duplicated events neither confirm early nor fail it; without
 * LinqWebhooks it reads the chat on the wait's schedule.
 */
import { describe, expect, it } from "@effect/vitest"
import { addParticipant, awaitMembership, callsTotal, removeParticipant } from "@linq-effect/client"
import type { MembershipPending } from "@linq-effect/core"
import { FakeLinq, Fault } from "@linq-effect/testing"
import { Effect, Fiber, Layer, Metric, Option } from "effect"
import { TestClock } from "effect/testing"
import { captureSpans } from "../../http/test/testkit.js"
import { awaitCount, C, count, deliver, events, reads, routes, settle } from "./webhooks.js"

const running = <A, E>(fiber: Fiber.Fiber<A, E>) => fiber.pollUnsafe() === undefined
const pendingOf = <A>(fiber: Fiber.Fiber<A, unknown>) =>
  Effect.map(Effect.flip(Fiber.join(fiber)), (e) => e as MembershipPending)

const newcomer = FakeLinq.handles.newcomer
const dave = FakeLinq.handles.dave
const carol = FakeLinq.handles.carol
const chat = C.iMessageGroup

describe("with LinqWebhooks: confirmed by the events", () => {
  it.effect("an add confirmed by its participant.added, with no read of the chat", () =>
    Effect.gen(function* () {
      yield* addParticipant(chat, { handle: newcomer })
      const fiber = yield* Effect.forkChild(
        awaitMembership(chat, { added: [newcomer] }, { timeout: "30 seconds" })
      )
      yield* settle
      expect(running(fiber)).toBe(true)
      const receipt = yield* deliver("participant.added", chat, newcomer)
      expect(receipt.status).toBe("accepted")
      const confirmed = yield* Fiber.join(fiber)
      expect(confirmed.chatId).toBe(chat)
      expect(confirmed.events.map((e) => [e._tag, e.handle])).toEqual([["ParticipantAdded", newcomer]])
      expect(Option.isNone(confirmed.chat)).toBe(true)
      expect(yield* routes).toEqual(["add"])
    }).pipe(Effect.provide(events("1 hour")))
  )

  it.effect("an event that raced the 202 (delivered before the call) confirms at once", () =>
    Effect.gen(function* () {
      yield* removeParticipant(chat, { handle: dave })
      yield* deliver("participant.removed", chat, dave)
      const confirmed = yield* awaitMembership(chat, { removed: [dave] }, { timeout: "30 seconds" })
      expect(confirmed.events.map((e) => e._tag)).toEqual(["ParticipantRemoved"])
      expect(yield* routes).toEqual(["remove"])
    }).pipe(Effect.provide(events("1 hour")))
  )

  it.effect("two changes: each needs its own event; a duplicate of the first confirms nothing more", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(
        awaitMembership(chat, { added: [newcomer], removed: [dave] }, { timeout: "30 seconds" })
      )
      yield* deliver("participant.added", chat, newcomer, { id: "evt-a" })
      const again = yield* deliver("participant.added", chat, newcomer, { id: "evt-a" })
      expect(again.status).toBe("duplicate")
      // Another delivery of the same change under a new id: still one handle, one change.
      yield* deliver("participant.added", chat, newcomer)
      yield* settle
      expect(running(fiber)).toBe(true)
      yield* deliver("participant.removed", chat, dave)
      const confirmed = yield* Fiber.join(fiber)
      expect(confirmed.events.map((e) => e.handle)).toEqual([newcomer, dave])
      expect(yield* count("getChat")).toBe(0)
    }).pipe(Effect.provide(events("1 hour")))
  )

  it.effect("events of other chats, other handles and other types do not count", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(
        awaitMembership(chat, { added: [newcomer] }, { timeout: "10 seconds" })
      )
      yield* deliver("participant.added", C.smallGroup, newcomer)
      yield* deliver("participant.added", chat, FakeLinq.handles.iMessageCapable)
      yield* deliver("participant.removed", chat, newcomer)
      yield* settle
      expect(running(fiber)).toBe(true)
      expect(yield* count("getChat")).toBe(0)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(events("1 hour")))
  )
})

describe("reordered events: the latest change time wins", () => {
  it.effect("removed then re-added, delivered added first: the stale removal does not undo the add", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(100_000)
      const fiber = yield* Effect.forkChild(
        awaitMembership(chat, { added: [carol] }, { timeout: "30 seconds" })
      )
      yield* deliver("participant.added", chat, carol, { at: 99_000 })
      yield* deliver("participant.removed", chat, carol, { at: 98_000 })
      const confirmed = yield* Fiber.join(fiber)
      expect(confirmed.events.map((e) => e._tag)).toEqual(["ParticipantAdded"])
      expect(yield* count("getChat")).toBe(0)
    }).pipe(Effect.provide(events("1 hour")))
  )

  it.effect("added then removed, delivered removed first: the stale add does not confirm it", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(100_000)
      const fiber = yield* Effect.forkChild(
        awaitMembership(chat, { added: [newcomer] }, { timeout: "10 seconds" })
      )
      yield* deliver("participant.removed", chat, newcomer, { at: 99_000 })
      yield* deliver("participant.added", chat, newcomer, { at: 98_000 })
      yield* settle
      expect(running(fiber)).toBe(true)
      // A later add confirms it.
      yield* deliver("participant.added", chat, newcomer, { at: 99_500 })
      const confirmed = yield* Fiber.join(fiber)
      expect(confirmed.events.map((e) => e.eventId)).toHaveLength(1)
      expect(yield* count("getChat")).toBe(0)
    }).pipe(Effect.provide(events("1 hour")))
  )

  it.effect("both before the call, in the wrong order: the remembered one is the latest", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(100_000)
      yield* deliver("participant.removed", chat, dave, { at: 99_000 })
      yield* deliver("participant.added", chat, dave, { at: 97_000 })
      const confirmed = yield* awaitMembership(chat, { removed: [dave] }, { timeout: "10 seconds" })
      expect(confirmed.events.map((e) => e._tag)).toEqual(["ParticipantRemoved"])
      expect(yield* count("getChat")).toBe(0)
    }).pipe(Effect.provide(events("1 hour")))
  )

  it.effect("an event older than `since` tells an earlier state: left out", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(600_000)
      yield* deliver("participant.added", chat, newcomer, { at: 400_000 })
      const fiber = yield* Effect.forkChild(
        awaitMembership(chat, { added: [newcomer] }, { timeout: "10 seconds", since: 500_000 })
      )
      yield* settle
      expect(running(fiber)).toBe(true)
      yield* Fiber.interrupt(fiber)
      // By default, `since` is a minute before the call: the same event 2 minutes old is left out too.
      const late = yield* Effect.forkChild(
        awaitMembership(chat, { added: [newcomer] }, { timeout: "10 seconds" })
      )
      yield* settle
      expect(running(late)).toBe(true)
      yield* Fiber.interrupt(late)
    }).pipe(Effect.provide(events("1 hour")))
  )
})

describe("a dropped event: one last read before the time-out", () => {
  it.effect("applied without an event: no read until 2 s before the deadline, then one, success", () =>
    Effect.gen(function* () {
      yield* addParticipant(chat, { handle: newcomer })
      const fiber = yield* Effect.forkChild(
        awaitMembership(chat, { added: [newcomer] }, { timeout: "10 seconds" })
      )
      yield* settle
      yield* TestClock.adjust(7_999)
      yield* settle
      expect(yield* count("getChat")).toBe(0)
      yield* TestClock.adjust(1)
      const confirmed = yield* Fiber.join(fiber)
      expect(confirmed.events).toEqual([])
      expect(Option.map(confirmed.chat, (c) => c.id)).toEqual(Option.some(chat))
      expect(yield* routes).toEqual(["add", "getChat"])
    }).pipe(Effect.provide(events("1 second")))
  )

  it.effect("one change by event, the other by the read", () =>
    Effect.gen(function* () {
      yield* addParticipant(chat, { handle: newcomer })
      yield* removeParticipant(chat, { handle: dave })
      const fiber = yield* Effect.forkChild(
        awaitMembership(chat, { added: [newcomer], removed: [dave] }, { timeout: "10 seconds" })
      )
      yield* deliver("participant.added", chat, newcomer)
      yield* settle
      yield* TestClock.adjust(8_000)
      const confirmed = yield* Fiber.join(fiber)
      expect(confirmed.events.map((e) => e.handle)).toEqual([newcomer])
      expect(Option.isSome(confirmed.chat)).toBe(true)
      expect(yield* count("getChat")).toBe(1)
    }).pipe(Effect.provide(events("1 second")))
  )

  it.effect("not applied (a change Linq dropped): exactly one read, MembershipPending at the deadline", () =>
    Effect.gen(function* () {
      yield* addParticipant(chat, { handle: newcomer })
      const fiber = yield* Effect.forkChild(
        awaitMembership(chat, { added: [newcomer] }, { timeout: "10 seconds" })
      )
      yield* settle
      yield* TestClock.adjust(8_000)
      yield* awaitCount("getChat", 1)
      const error = yield* pendingOf(fiber)
      expect(error).toMatchObject({
        _tag: "MembershipPending",
        chatId: chat,
        missing: [newcomer],
        unexpected: [],
        seen: true
      })
      expect(error.readError).toBeUndefined()
      expect(yield* count("getChat")).toBe(1)
    }).pipe(Effect.provide(events("1 hour")))
  )

  it.effect("the last read hangs: cut at the deadline (never later), MembershipPending with its error", () =>
    Effect.gen(function* () {
      yield* Effect.flatMap(FakeLinq, (fake) =>
        fake.inject(Fault.hang, { route: "getChat", times: "always" })
      )
      const fiber = yield* Effect.forkChild(
        awaitMembership(chat, { removed: [dave] }, { timeout: "10 seconds" })
      )
      yield* settle
      yield* TestClock.adjust(8_000)
      yield* awaitCount("getChat", 1)
      yield* TestClock.adjust(1_999)
      yield* settle
      expect(running(fiber)).toBe(true)
      yield* TestClock.adjust(1)
      const error = yield* pendingOf(fiber)
      expect(error).toMatchObject({ missing: [], unexpected: [dave], seen: false })
      expect(error.readError?._tag).toBe("RequestTimeout")
      expect(yield* count("getChat")).toBe(1)
    }).pipe(Effect.provide(events("1 hour")))
  )

  it.effect("a wait of 1 s reads once, half-way", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(awaitMembership(chat, { removed: [dave] }, { timeout: 1_000 }))
      yield* settle
      yield* TestClock.adjust(499)
      yield* settle
      expect(yield* count("getChat")).toBe(0)
      yield* TestClock.adjust(1)
      yield* awaitCount("getChat", 1)
      const error = yield* pendingOf(fiber)
      expect(error.unexpected).toEqual([dave])
    }).pipe(Effect.provide(events("1 hour")))
  )
})

describe("without LinqWebhooks: reads the chat", () => {
  it.effect("the first read after 250 ms, then on the wait's schedule until the change shows", () =>
    Effect.gen(function* () {
      yield* removeParticipant(chat, { handle: dave })
      const fiber = yield* Effect.forkChild(
        awaitMembership(chat, { removed: [dave] }, { timeout: "30 seconds" })
      )
      yield* settle
      yield* TestClock.adjust(249)
      yield* settle
      expect(yield* count("getChat")).toBe(0)
      yield* TestClock.adjust(1)
      yield* awaitCount("getChat", 1)
      expect(running(fiber)).toBe(true)
      // Reads at 250, 750, 1750 ms; the change applies at 1 s.
      yield* TestClock.adjust(500)
      yield* awaitCount("getChat", 2)
      yield* TestClock.adjust(1_000)
      const confirmed = yield* Fiber.join(fiber)
      expect(confirmed.events).toEqual([])
      expect(Option.isSome(confirmed.chat)).toBe(true)
      expect(yield* count("getChat")).toBe(3)
    }).pipe(Effect.provide(reads("1 second")))
  )

  it.effect("not shown in time: MembershipPending from the last read", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(awaitMembership(chat, { added: [newcomer] }, { timeout: 2_000 }))
      for (let i = 0; i < 40; i++) {
        yield* TestClock.adjust(50)
        yield* settle
      }
      const error = yield* pendingOf(fiber)
      expect(error).toMatchObject({ missing: [newcomer], unexpected: [], seen: true })
      expect(yield* count("getChat")).toBeGreaterThan(1)
    }).pipe(Effect.provide(reads("1 hour")))
  )
})

describe("input", () => {
  const cases = [
    [
      "a bad chat id",
      () => awaitMembership("a/b", { added: [newcomer] }, { timeout: "1 second" }),
      "InvalidChatId"
    ],
    [
      "a bad handle",
      () => awaitMembership(chat, { added: ["not a handle"] }, { timeout: "1 second" }),
      "InvalidHandle"
    ],
    [
      "a lone string (a JS caller)",
      () => awaitMembership(chat, { removed: dave as never }, { timeout: "1 second" }),
      "InvalidHandle"
    ],
    [
      "a handle both added and removed",
      () => awaitMembership(chat, { added: [newcomer], removed: [newcomer] }, { timeout: "1 second" }),
      "InvalidOption"
    ],
    ["timeout 0", () => awaitMembership(chat, { added: [newcomer] }, { timeout: 0 }), "InvalidOption"],
    ["timeout -1", () => awaitMembership(chat, { added: [newcomer] }, { timeout: -1 }), "InvalidOption"],
    [
      "timeout Infinity",
      () => awaitMembership(chat, { added: [newcomer] }, { timeout: Infinity }),
      "InvalidOption"
    ],
    [
      "timeout not a duration",
      () => awaitMembership(chat, { added: [newcomer] }, { timeout: "soon" as never }),
      "InvalidOption"
    ],
    [
      "no timeout (a JS caller)",
      () => awaitMembership(chat, { added: [newcomer] }, {} as never),
      "InvalidOption"
    ],
    [
      "since not a date",
      () => awaitMembership(chat, { added: [newcomer] }, { timeout: "1 second", since: Number.NaN }),
      "InvalidOption"
    ]
  ] as const
  for (const [name, run, tag] of cases) {
    for (const [via, layer] of [
      ["events", events("1 hour")],
      ["reads", reads("1 hour")]
    ] as const) {
      it.effect(`${name} (${via}): ${tag}, nothing read`, () =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(run())
          expect(error._tag).toBe(tag)
          expect(yield* routes).toEqual([])
        }).pipe(Effect.provide(layer))
      )
    }
  }

  it.effect("no changes: success at once, nothing read", () =>
    Effect.gen(function* () {
      const confirmed = yield* awaitMembership(chat, {}, { timeout: "1 second" })
      expect(confirmed).toEqual({ chatId: chat, events: [], chat: Option.none() })
      expect(yield* routes).toEqual([])
    }).pipe(Effect.provide(events("1 hour")))
  )
})

it.effect("metered as awaitMembership, by outcome", () =>
  Effect.gen(function* () {
    const calls = (outcome: string) =>
      Effect.map(
        Metric.value(callsTotal.pipe(Metric.withAttributes({ operation: "awaitMembership", outcome }))),
        (s) => s.count
      )
    const [ok, pending] = [yield* calls("success"), yield* calls("MembershipPending")]
    yield* deliver("participant.removed", chat, dave)
    yield* awaitMembership(chat, { removed: [dave] }, { timeout: "1 second" })
    const fiber = yield* Effect.forkChild(
      awaitMembership(chat, { added: [newcomer] }, { timeout: "1 second" })
    )
    yield* settle
    yield* TestClock.adjust(500)
    yield* awaitCount("getChat", 1)
    yield* Effect.flip(Fiber.join(fiber))
    expect([(yield* calls("success")) - ok, (yield* calls("MembershipPending")) - pending]).toEqual([1, 1])
  }).pipe(Effect.provide(events("1 hour")))
)

it.effect("spanned: its source and counts, never a handle or the chat id", () => {
  const { spans, layer: capture } = captureSpans()
  return Effect.gen(function* () {
    yield* deliver("participant.removed", chat, dave)
    yield* awaitMembership(chat, { removed: [dave] }, { timeout: "1 second" })
    const span = spans.find((s) => s.name === "Linq confirm membership")
    expect(Object.fromEntries(span?.attributes ?? [])).toEqual({
      "linq.confirmation.source": "events",
      "linq.confirmation.changes": 1,
      "linq.confirmation.outcome": "shown",
      "linq.confirmation.reads": 0,
      "linq.confirmation.events": 1
    })
    const dump = JSON.stringify(spans.map((s) => [s.name, Object.fromEntries(s.attributes)]))
    expect(dump).not.toContain(dave)
    expect(dump).not.toContain(chat)
  }).pipe(Effect.provide(Layer.merge(events("1 hour"), capture)))
})
