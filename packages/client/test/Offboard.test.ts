/**
 * offboardParticipant against FakeLinq: bob is in a group of 4, a group of
 * 3, a direct message and a group he was removed from. The plan comes
 * first; only the group of 4 gets a removal (the group of 3 is kept back,
 * the DM untouched: nothing is sent to either), a re-run sends nothing, a dry
 * run sends only reads, and the layer's rate limit holds at any concurrency.
 */
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient, type LinqHttpClientOptions } from "@linq-effect/http"
import { FakeLinq, type FakeSeed, Fault, type SeedChat } from "@linq-effect/testing"
import { Effect, Fiber, Layer, Metric, Result } from "effect"
import { TestClock } from "effect/testing"
import { callsTotal, offboardParticipant } from "../src/index.js"
import { requestsSent } from "./fake.js"

const H = FakeLinq.handles
const C = FakeLinq.chats

const bobGone: SeedChat = {
  id: "bob-gone",
  service: "iMessage",
  handles: [H.carol, H.dave, H.erin, { handle: H.bob, status: "removed" }]
}
const seed: FakeSeed = { ...FakeLinq.defaultSeed, chats: [...FakeLinq.defaultSeed.chats, bobGone] }

const layer = (options: Partial<LinqHttpClientOptions> = {}, fakeSeed: FakeSeed = seed) =>
  LinqHttpClient.layer({ apiKey: "test-key", maxRetries: 0, ...options }).pipe(
    Layer.provideMerge(FakeLinq.layer(fakeSeed))
  )

const requests = requestsSent

const plans = (result: {
  readonly chats: ReadonlyArray<{ readonly chatId: string; readonly plan: string }>
}) => result.chats.map((c) => [c.chatId, c.plan])

describe("offboardParticipant", () => {
  it.effect(
    "removes bob from the group of 4 only: the group of 3 kept back and the DM untouched, nothing sent to them",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        const result = yield* offboardParticipant(H.bob)
        expect(plans(result)).toEqual([
          [C.iMessageGroup, "remove"],
          [C.smallGroup, "keptBack"],
          [C.directMessage, "notAGroup"],
          ["bob-gone", "alreadyGone"]
        ])
        const [group, small, dm, gone] = result.chats
        expect(group?.done).toBe(true)
        expect(group?.result !== undefined && Result.isSuccess(group.result)).toBe(true)
        expect(small).toMatchObject({ done: false, reason: { _tag: "TooFewParticipants", participants: 2 } })
        expect(small).not.toHaveProperty("result")
        expect(dm).toMatchObject({ done: false, reason: { _tag: "NotAGroupChat" } })
        expect(gone).toMatchObject({ done: true })
        expect(result.summary).toEqual({
          planned: { remove: 1, keptBack: 1, notAGroup: 1, alreadyGone: 1 },
          sent: 1,
          accepted: 1,
          failed: 0
        })
        expect(result).toMatchObject({ handle: H.bob, dryRun: false, complete: true })
        // The journal: one listing, one removal; no request at all about the group of 3 or the DM.
        const journal = yield* fake.journal
        expect(journal.map((e) => [e.route, e.chatId])).toEqual([
          ["listChats", undefined],
          ["remove", C.iMessageGroup]
        ])
        expect(journal[1]?.json).toEqual({ handle: H.bob })
        expect(new URL(journal[0]?.url ?? "").searchParams.get("to")).toBe(H.bob)
        // Queued, as on Linq: applied after the fake's delay.
        yield* TestClock.adjust(FakeLinq.defaultQueueDelay)
        expect(yield* fake.participants(C.iMessageGroup)).toEqual([H.alice, H.carol, H.dave])
        expect(yield* fake.participants(C.smallGroup)).toContain(H.bob)
        expect(yield* fake.participants(C.directMessage)).toContain(H.bob)
      }).pipe(Effect.provide(layer()))
  )

  it.effect(
    "is idempotent: re-run while the removal is queued, once applied, and from another client, it sends only the listing",
    () =>
      Effect.gen(function* () {
        yield* offboardParticipant(H.bob)
        yield* requests
        // Queued but not applied: the chat still lists bob; this client's ledger knows.
        const queued = yield* offboardParticipant(H.bob)
        expect(plans(queued)[0]).toEqual([C.iMessageGroup, "alreadyGone"])
        expect(queued.summary.sent).toBe(0)
        expect(yield* requests).toEqual(["listChats"])
        yield* TestClock.adjust(FakeLinq.defaultQueueDelay)
        const applied = yield* offboardParticipant(H.bob)
        expect(applied.summary).toMatchObject({ planned: { remove: 0, keptBack: 1 }, sent: 0 })
        expect(yield* requests).toEqual(["listChats"])
        // A client of its own (no ledger) decides from the chats alone.
        const other = yield* Effect.scoped(
          Effect.flatMap(LinqHttpClient.make({ apiKey: "other", maxRetries: 0 }), (client) =>
            Effect.provideService(offboardParticipant(H.bob), LinqHttpClient, client)
          )
        )
        expect(other.summary.sent).toBe(0)
        expect(yield* requests).toEqual(["listChats"])
      }).pipe(Effect.provide(layer()))
  )

  it.effect("dryRun returns the plan and sends only reads", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const plan = yield* offboardParticipant(H.bob, { dryRun: true })
      expect(plans(plan)).toEqual([
        [C.iMessageGroup, "remove"],
        [C.smallGroup, "keptBack"],
        [C.directMessage, "notAGroup"],
        ["bob-gone", "alreadyGone"]
      ])
      expect(plan).toMatchObject({ dryRun: true, complete: false, summary: { sent: 0, accepted: 0 } })
      expect(plan.chats[0]).toMatchObject({ done: false })
      expect(plan.chats[0]).not.toHaveProperty("result")
      expect((yield* fake.journal).map((e) => [e.method, e.route])).toEqual([["GET", "listChats"]])
      expect(yield* fake.pendingChanges).toBe(0)
      // Then applied: the same plan, carried out.
      const applied = yield* offboardParticipant(H.bob)
      expect(plans(applied)).toEqual(plans(plan))
      expect(applied.summary.sent).toBe(1)
    }).pipe(Effect.provide(layer()))
  )

  it.effect("reads every page of the chat list before sending, and a failed page sends nothing", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      for (let i = 0; i < 120; i++)
        yield* fake.putChat({ id: `g-${i}`, service: "SMS", handles: [H.bob, H.carol, H.dave, H.erin] })
      yield* fake.inject(Fault.status(503), { route: "listChats" })
      const first = yield* offboardParticipant(H.bob).pipe(
        Effect.catchTag("ChatsPageFailed", (e) => Effect.succeed(e))
      )
      expect(first).toMatchObject({ _tag: "ChatsPageFailed", page: 1 })
      expect(yield* requests).toEqual(["listChats"])
      const result = yield* offboardParticipant(H.bob, { dryRun: true })
      expect(result.chats).toHaveLength(124)
      expect(result.summary.planned.remove).toBe(121)
      const listed = (yield* requests).filter((r) => r === "listChats")
      expect(listed).toHaveLength(2)
    }).pipe(Effect.provide(layer()))
  )

  it.effect(
    "a removal that fails is that chat's outcome; the others go on, in listing order whatever the concurrency",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        for (const id of ["a", "b", "c"])
          yield* fake.putChat({ id, service: "iMessage", handles: [H.bob, H.carol, H.dave, H.erin] })
        yield* fake.inject(Fault.status(500), { route: "remove" })
        const result = yield* offboardParticipant(H.bob, { concurrency: "unbounded" })
        const removals = result.chats.filter((c) => c.plan === "remove")
        expect(removals.map((c) => c.chatId)).toEqual([C.iMessageGroup, "a", "b", "c"])
        expect(removals.filter((c) => !c.done)).toHaveLength(1)
        const failed = removals.find((c) => !c.done)
        expect(
          failed?.result !== undefined && Result.isFailure(failed.result) && failed.result.failure._tag
        ).toBe("ServerError")
        expect(result.summary).toMatchObject({ sent: 4, accepted: 3, failed: 1 })
        expect(result.complete).toBe(false)
        // Run again: only the failed one is sent.
        yield* requests
        const again = yield* offboardParticipant(H.bob)
        expect(again.summary.sent).toBe(1)
        expect((yield* requests).filter((r) => r.startsWith("remove"))).toEqual([`remove ${failed?.chatId}`])
      }).pipe(Effect.provide(layer({}, { chats: seed.chats })))
  )

  it.effect("respects the layer's rate limit, with unbounded concurrency", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      for (let i = 0; i < 6; i++)
        yield* fake.putChat({ id: `g-${i}`, service: "SMS", handles: [H.bob, H.carol, H.dave, H.erin] })
      const fiber = yield* Effect.forkChild(offboardParticipant(H.bob, { concurrency: "unbounded" }))
      for (let i = 0; i < 10 && fiber.pollUnsafe() === undefined; i++) yield* TestClock.adjust("1 second")
      const result = yield* Fiber.join(fiber)
      expect(result.summary).toMatchObject({ sent: 7, accepted: 7 })
      // At most 2 requests in any 1-second window (the listing included).
      const times = (yield* fake.journal).map((e) => e.at)
      expect(times).toHaveLength(8)
      for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(2)
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(3000)
    }).pipe(Effect.provide(layer({ rateLimit: { limit: 2, interval: "1 second" } })))
  )

  it.effect("bad input sends nothing: a malformed handle, a concurrency it cannot take", () =>
    Effect.gen(function* () {
      expect((yield* Effect.flip(offboardParticipant("555-0102")))._tag).toBe("InvalidHandle")
      expect((yield* Effect.flip(offboardParticipant(undefined as unknown as string)))._tag).toBe(
        "InvalidHandle"
      )
      for (const concurrency of [0, -1, 1.5, Number.NaN]) {
        const error = yield* Effect.flip(offboardParticipant(H.bob, { concurrency }))
        expect(error).toMatchObject({ _tag: "InvalidOption", option: "concurrency" })
      }
      expect(yield* requests).toEqual([])
    }).pipe(Effect.provide(layer()))
  )

  it.effect("counts one offboardParticipant call, and its listing and removals as their own", () =>
    Effect.gen(function* () {
      const count = (operation: string) =>
        Effect.map(
          Metric.value(Metric.withAttributes(callsTotal, { operation, outcome: "success" })),
          (s) => s.count
        )
      const ops = ["offboardParticipant", "listChats", "removeParticipant"]
      const before = yield* Effect.forEach(ops, count)
      yield* offboardParticipant(H.bob)
      const after = yield* Effect.forEach(ops, count)
      expect(after.map((n, i) => n - (before[i] ?? 0))).toEqual([1, 1, 1])
    }).pipe(Effect.provide(layer()))
  )
})
