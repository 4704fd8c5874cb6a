/**
 * syncParticipants' `wait` against an in-process FakeLinq on the TestClock:
 * the first read after 250 ms, every read bounded by the time left (never
 * past the deadline, never retried on its own), a failed read retried on the
 * schedule rather than failing the sync, `confirmed` only when a read showed
 * the whole wanted set, and a `MembershipPending` that tells the changes
 * accepted (`sent`) from those never sent (`notSent`) and those that failed.
 */
import { describe, expect, it } from "@effect/vitest"
import { syncParticipants } from "@linq-effect/client"
import type { MembershipPending } from "@linq-effect/core"
import { LinqHttpClient, type LinqHttpClientOptions } from "@linq-effect/http"
import { FakeLinq, type FakeLinqOptions, Fault, type RouteName } from "@linq-effect/testing"
import { Clock, Duration, Effect, Fiber, Layer, Result } from "effect"
import { TestClock } from "effect/testing"

const C = FakeLinq.chats
const H = FakeLinq.handles

/** The SDK over an in-process FakeLinq; every test says its queue delay. */
const inProcess = (
  fake: FakeLinqOptions & { readonly queueDelay: Duration.Input },
  client: Partial<LinqHttpClientOptions> = { maxRetries: 0 }
) =>
  LinqHttpClient.layer({ apiKey: "test", ...client }).pipe(
    Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, fake))
  )

const journal = Effect.flatMap(FakeLinq, (fake) => fake.journal)
const routes = Effect.map(journal, (entries) => entries.map((e) => e.route))
const count = (route: RouteName) => Effect.map(routes, (rs) => rs.filter((r) => r === route).length)
/** Real time for the forked sync to do what the clock lets it (in-process requests are async). */
const settle = Effect.gen(function* () {
  for (let i = 0; i < 5; i++)
    yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 3)))
})

/** Waits on real time, a millisecond at a time, until `check` holds; dies after ~2 s. */
const eventually = <R>(check: Effect.Effect<boolean, never, R>, what: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 2000; i++) {
      if (yield* check) return
      yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))
    }
    return yield* Effect.die(new Error(`timed out waiting for ${what}`))
  })

/** Waits until the journal holds `n` requests of `route` (the sync is then asleep on the clock). */
const awaitCount = (route: RouteName, n: number) =>
  Effect.andThen(
    eventually(
      Effect.map(count(route), (c) => c === n),
      `${n} ${route}`
    ),
    settle
  )

/** Moves the clock `step` ms at a time (settling between) until the fiber ends; the clock then. */
const runToEnd = <A, E>(fiber: Fiber.Fiber<A, E>, step = 50, limit = 120_000) =>
  Effect.gen(function* () {
    while ((yield* Clock.currentTimeMillis) <= limit) {
      if (fiber.pollUnsafe() !== undefined) return yield* Clock.currentTimeMillis
      yield* TestClock.adjust(step)
      yield* settle
    }
    return yield* Effect.die(new Error("the sync did not end"))
  })

const pendingOf = <A>(fiber: Fiber.Fiber<A, unknown>) =>
  Effect.map(Effect.flip(Fiber.join(fiber)), (e) => e as MembershipPending)

/** In the iMessage group (alice, bob, carol, dave): two newcomers in, carol and dave out. */
const swap = [H.alice, H.bob, H.newcomer, H.iMessageCapable]

describe("the first read comes after 250 ms", () => {
  const cases = [
    {
      name: "a removal",
      chatId: C.iMessageGroup,
      desired: [H.alice, H.bob, H.carol],
      route: "remove",
      changes: 1
    },
    {
      name: "an add",
      chatId: C.iMessageGroup,
      desired: [H.alice, H.bob, H.carol, H.dave, H.newcomer],
      route: "add",
      changes: 1
    },
    {
      name: "two adds before two removals",
      chatId: C.iMessageGroup,
      desired: swap,
      route: "add",
      changes: 2
    },
    {
      name: "a swap in a group of 3",
      chatId: C.smallGroup,
      desired: [H.alice, H.bob, H.newcomer],
      route: "add",
      changes: 1
    }
  ] as const
  for (const c of cases) {
    for (const wait of ["2 seconds", "1 minute"] as const) {
      it.effect(`${c.name}, wait ${wait}: no read at 249 ms, one at 250 ms`, () =>
        Effect.gen(function* () {
          const fiber = yield* Effect.forkChild(syncParticipants(c.chatId, c.desired, { wait }))
          // The planning read and the changes (the adds, when there are any).
          yield* awaitCount(c.route, c.changes)
          expect(yield* count("getChat")).toBe(1)
          yield* TestClock.adjust(249)
          yield* settle
          expect(yield* count("getChat")).toBe(1)
          yield* TestClock.adjust(1)
          yield* awaitCount("getChat", 2)
          yield* Fiber.interrupt(fiber)
        }).pipe(Effect.provide(inProcess({ queueDelay: "1 hour" })))
      )
    }
  }
})

describe("the wait is a deadline", () => {
  const slow: ReadonlyArray<[string, Fault.Fault, number]> = [
    ["a read that takes 6 s", Fault.delay("6 seconds"), 6_000],
    ["a read that takes 30 s", Fault.delay("30 seconds"), 30_000],
    ["a read that never answers", Fault.hang, Number.POSITIVE_INFINITY]
  ]
  for (const [what, fault, takes] of slow) {
    for (const wait of [1_000, 3_000, 10_000].filter((w) => w < takes)) {
      it.effect(`${what}, wait ${wait} ms: cut at the deadline, not retried, MembershipPending`, () =>
        Effect.gen(function* () {
          const fiber = yield* Effect.forkChild(
            syncParticipants(C.iMessageGroup, [H.alice, H.bob, H.carol], { wait })
          )
          yield* awaitCount("remove", 1)
          yield* Effect.flatMap(FakeLinq, (fake) => fake.inject(fault, { route: "getChat", times: "always" }))
          yield* TestClock.adjust(250)
          yield* awaitCount("getChat", 2)
          // The read has the time left (not the 60 s call timeout), and no retry.
          yield* TestClock.adjust(wait - 251)
          yield* settle
          expect(fiber.pollUnsafe() === undefined).toBe(true)
          yield* TestClock.adjust(1)
          yield* eventually(
            Effect.sync(() => fiber.pollUnsafe() !== undefined),
            "the sync ending at the deadline"
          )
          const error = yield* pendingOf(fiber)
          expect(error).toMatchObject({
            _tag: "MembershipPending",
            chatId: C.iMessageGroup,
            missing: [],
            unexpected: [H.dave],
            sent: [H.dave],
            notSent: [],
            failed: [],
            seen: false
          })
          expect(error.readError?._tag).toBe("RequestTimeout")
          expect(error.message).toContain("no read of the chat succeeded during the wait (RequestTimeout)")
          expect(yield* count("getChat")).toBe(2)
        }).pipe(Effect.provide(inProcess({ queueDelay: "1 hour" }, { maxRetries: 2 })))
      )
    }
  }

  it.effect(
    "each read's timeout is the call's, cut to the time left: reads at 0.25, 2.75, 5.75, 9.75 s",
    () =>
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(
          syncParticipants(C.iMessageGroup, [H.alice, H.bob, H.carol], {
            wait: "10 seconds",
            timeout: "2 seconds"
          })
        )
        yield* awaitCount("remove", 1)
        yield* Effect.flatMap(FakeLinq, (fake) =>
          fake.inject(Fault.hang, { route: "getChat", times: "always" })
        )
        // Each read times out after 2 s; the next comes 500 ms, 1 s, 2 s later; the last is cut at 10 s.
        for (const [at, reads] of [
          [250, 1],
          [2_749, 1],
          [2_750, 2],
          [5_749, 2],
          [5_750, 3],
          [9_749, 3],
          [9_750, 4]
        ] as const) {
          yield* TestClock.setTime(at)
          yield* settle
          expect([at, (yield* count("getChat")) - 1]).toEqual([at, reads])
        }
        yield* TestClock.setTime(9_999)
        yield* settle
        expect(fiber.pollUnsafe() === undefined).toBe(true)
        yield* TestClock.setTime(10_000)
        yield* eventually(
          Effect.sync(() => fiber.pollUnsafe() !== undefined),
          "the sync ending at the deadline"
        )
        expect((yield* pendingOf(fiber)).readError?._tag).toBe("RequestTimeout")
        expect(yield* count("getChat")).toBe(5)
      }).pipe(Effect.provide(inProcess({ queueDelay: "1 hour" }, { maxRetries: 2 })))
  )

  for (const wait of [600, 1_000, 2_500, 7_000, 12_345]) {
    it.effect(`changes that never show, wait ${wait} ms: ends by the deadline, after reading`, () =>
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(syncParticipants(C.iMessageGroup, swap, { wait }))
        const end = yield* runToEnd(fiber, 125)
        expect(end).toBeLessThanOrEqual(wait)
        expect(yield* count("getChat")).toBeGreaterThan(1)
        const error = yield* pendingOf(fiber)
        expect(error).toMatchObject({
          seen: true,
          sent: [H.newcomer, H.iMessageCapable],
          notSent: [H.carol, H.dave]
        })
        expect(error.readError).toBeUndefined()
      }).pipe(Effect.provide(inProcess({ queueDelay: "1 hour" })))
    )
  }
})

describe("a read that fails while waiting is retried on the schedule", () => {
  // The layer's own retries (maxRetries) are more than some of these faults: the wait must not need them.
  const failures: ReadonlyArray<[string, Fault.Fault, number, number]> = [
    ["503 once", Fault.status(503), 1, 0],
    ["503 three times", Fault.status(503), 3, 2],
    ["a dropped connection twice", Fault.disconnect, 2, 0],
    ["a 502 gateway page four times", Fault.html(502), 4, 2]
  ]
  for (const [what, fault, times, maxRetries] of failures) {
    for (const queueDelay of ["0 millis", "1 second", "3 seconds"] as const) {
      it.effect(`${what}, queue delay ${queueDelay}: the removals go out, confirmed`, () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          const fiber = yield* Effect.forkChild(
            syncParticipants(C.iMessageGroup, swap, { wait: "30 seconds" })
          )
          yield* awaitCount("add", 2)
          yield* fake.inject(fault, { route: "getChat", times })
          yield* runToEnd(fiber, 250)
          const result = yield* Fiber.join(fiber)
          expect(result).toMatchObject({ complete: true, confirmed: true })
          expect(result.removed.map((s) => [s.handle, s.done])).toEqual([
            [H.carol, true],
            [H.dave, true]
          ])
          const members = yield* fake.participants(C.iMessageGroup)
          expect(members).toEqual(expect.arrayContaining(swap))
          expect(members).not.toContain(H.carol)
          expect(members).not.toContain(H.dave)
          // Each failed read was one request (no retry of its own): the wait read again.
          const answered = (yield* journal).filter((e) => e.route === "getChat" && e.fault !== undefined)
          expect(answered).toHaveLength(times)
        }).pipe(Effect.provide(inProcess({ queueDelay }, { maxRetries })))
      )
    }
  }

  for (const [what, fault, tag] of [
    ["503", Fault.status(503), "ServerError"],
    ["a dropped connection", Fault.disconnect, "ConnectionError"],
    ["429", Fault.status(429, { retryAfter: "1" }), "RateLimited"]
  ] as const) {
    it.effect(`every read answered ${what}: MembershipPending (not ${tag}), adds sent, removals not`, () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        const fiber = yield* Effect.forkChild(syncParticipants(C.iMessageGroup, swap, { wait: "5 seconds" }))
        yield* awaitCount("add", 2)
        yield* fake.inject(fault, { route: "getChat", times: "always" })
        const end = yield* runToEnd(fiber, 250)
        expect(end).toBeLessThanOrEqual(5_000)
        const error = yield* pendingOf(fiber)
        expect(error).toMatchObject({
          _tag: "MembershipPending",
          missing: [H.newcomer, H.iMessageCapable],
          unexpected: [H.carol, H.dave],
          sent: [H.newcomer, H.iMessageCapable],
          notSent: [H.carol, H.dave],
          failed: [],
          seen: false
        })
        expect(error.readError?._tag).toBe(tag)
        expect(error.message).toContain("2 changes accepted and may still be applied, 2 changes not sent")
        expect(yield* count("remove")).toBe(0)
        expect(yield* count("getChat")).toBeGreaterThan(2)
      }).pipe(Effect.provide(inProcess({ queueDelay: "0 millis" }, { maxRetries: 2 })))
    )
  }

  it.effect("reads fail only after the newcomers showed: the last chat seen, and the failure noted", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const fiber = yield* Effect.forkChild(syncParticipants(C.iMessageGroup, swap, { wait: "4 seconds" }))
      yield* awaitCount("add", 2)
      yield* TestClock.adjust(250)
      yield* awaitCount("remove", 2)
      yield* fake.inject(Fault.status(500), { route: "getChat", times: "always" })
      yield* runToEnd(fiber, 250)
      const error = yield* pendingOf(fiber)
      expect(error).toMatchObject({
        missing: [],
        unexpected: [H.carol, H.dave],
        sent: [H.newcomer, H.iMessageCapable, H.carol, H.dave],
        notSent: [],
        seen: true
      })
      expect(error.readError?._tag).toBe("ServerError")
      expect(error.message).toContain("the last read of the chat failed (ServerError)")
    }).pipe(Effect.provide(inProcess({ queueDelay: "0 millis" })))
  )
})

describe("confirmed only when a read showed the whole wanted set", () => {
  for (const queueDelay of ["0 millis", "2 seconds"] as const) {
    for (const wait of ["5 seconds", "30 seconds"] as const) {
      const setting = `queue delay ${queueDelay}, wait ${wait}`
      it.effect(`an add answered 503 (${setting}): complete false, confirmed false`, () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* fake.inject(Fault.status(503), { route: "add", times: "always" })
          const fiber = yield* Effect.forkChild(
            syncParticipants(C.iMessageGroup, [H.alice, H.bob, H.carol, H.dave, H.newcomer], { wait })
          )
          yield* runToEnd(fiber, 250)
          const result = yield* Fiber.join(fiber)
          expect(result).toMatchObject({ complete: false, confirmed: false })
          expect(result.added.map((s) => [s.handle, s.done])).toEqual([[H.newcomer, false]])
        }).pipe(Effect.provide(inProcess({ queueDelay })))
      )

      it.effect(
        `two adds answered 503 before two removals (${setting}): one removal, one held, confirmed false`,
        () =>
          Effect.gen(function* () {
            const fake = yield* FakeLinq
            yield* fake.inject(Fault.status(503), { route: "add", times: "always" })
            const fiber = yield* Effect.forkChild(syncParticipants(C.iMessageGroup, swap, { wait }))
            yield* runToEnd(fiber, 250)
            const result = yield* Fiber.join(fiber)
            expect(result).toMatchObject({ complete: false, confirmed: false })
            expect(result.removed.map((s) => [s.handle, s.done])).toEqual([
              [H.carol, true],
              [H.dave, false]
            ])
            expect(yield* count("remove")).toBe(1)
          }).pipe(Effect.provide(inProcess({ queueDelay })))
      )

      it.effect(`a removal answered 503 (${setting}): complete false, confirmed false`, () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq
          yield* fake.inject(Fault.status(503), { route: "remove", times: "always" })
          const fiber = yield* Effect.forkChild(syncParticipants(C.iMessageGroup, swap, { wait }))
          yield* runToEnd(fiber, 250)
          const result = yield* Fiber.join(fiber)
          expect(result).toMatchObject({ complete: false, confirmed: false })
          expect(result.added.every((s) => s.done)).toBe(true)
          expect(result.removed.map((s) => [s.handle, s.done])).toEqual([
            [H.carol, false],
            [H.dave, false]
          ])
          expect(yield* fake.participants(C.iMessageGroup)).toContain(H.carol)
        }).pipe(Effect.provide(inProcess({ queueDelay })))
      )
    }
  }

  it.effect("an add whose answer was lost but that was applied at once: not complete, yet confirmed", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.answerLost, { route: "add" })
      const fiber = yield* Effect.forkChild(
        syncParticipants(C.iMessageGroup, [H.alice, H.bob, H.carol, H.dave, H.newcomer], {
          wait: "10 seconds"
        })
      )
      yield* runToEnd(fiber, 250)
      const result = yield* Fiber.join(fiber)
      expect(result).toMatchObject({ complete: false, confirmed: true })
      const [step] = result.added
      expect(Result.isFailure(step!.result) && step!.result.failure._tag).toBe("ConnectionError")
    }).pipe(Effect.provide(inProcess({ queueDelay: "0 millis" })))
  )
})

describe("MembershipPending tells the changes pending from those not sent", () => {
  for (const wait of ["2 seconds", "5 seconds", "10 seconds"] as const) {
    it.effect(`a swap in a group of 3, wait ${wait}: the add is pending, the removal not sent`, () =>
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(
          syncParticipants(C.smallGroup, [H.alice, H.bob, H.newcomer], { wait })
        )
        const end = yield* runToEnd(fiber, 250)
        expect(end).toBeLessThanOrEqual(Duration.toMillis(wait))
        const error = yield* pendingOf(fiber)
        expect(error).toMatchObject({
          _tag: "MembershipPending",
          chatId: C.smallGroup,
          missing: [H.newcomer],
          unexpected: [H.erin],
          sent: [H.newcomer],
          notSent: [H.erin],
          failed: [],
          seen: true
        })
        expect(error.message).toContain("1 change accepted and may still be applied, 1 change not sent")
        expect(error.message).not.toContain("the changes were accepted")
        expect(yield* count("remove")).toBe(0)
      }).pipe(Effect.provide(inProcess({ queueDelay: "1 hour" })))
    )
  }

  it.effect("adds that failed, a removal held back to keep 3, one accepted: each in its own list", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(503), { route: "add", times: "always" })
      const fiber = yield* Effect.forkChild(syncParticipants(C.iMessageGroup, swap, { wait: "3 seconds" }))
      yield* runToEnd(fiber, 250)
      const error = yield* pendingOf(fiber)
      expect(error).toMatchObject({
        missing: [H.newcomer, H.iMessageCapable],
        unexpected: [H.carol, H.dave],
        sent: [H.carol],
        notSent: [H.dave],
        failed: [H.newcomer, H.iMessageCapable],
        seen: true
      })
      expect(error.message).toContain(
        "1 change accepted and may still be applied, 1 change not sent, 2 changes failed"
      )
    }).pipe(Effect.provide(inProcess({ queueDelay: "1 minute" })))
  )

  it.effect("every change sent and accepted: all pending, none 'not sent'", () =>
    Effect.gen(function* () {
      const desired = [H.alice, H.bob, H.carol, H.dave, H.newcomer, H.iMessageCapable]
      const fiber = yield* Effect.forkChild(syncParticipants(C.iMessageGroup, desired, { wait: "2 seconds" }))
      yield* runToEnd(fiber, 250)
      const error = yield* pendingOf(fiber)
      expect(error).toMatchObject({
        sent: [H.newcomer, H.iMessageCapable],
        notSent: [],
        failed: [],
        missing: [H.newcomer, H.iMessageCapable],
        unexpected: []
      })
      expect(error.message).toContain("2 changes accepted and may still be applied")
      expect(error.message).not.toContain("not sent")
    }).pipe(Effect.provide(inProcess({ queueDelay: "1 minute" })))
  )
})
