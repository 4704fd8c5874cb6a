/**
 * leaveChat against FakeLinq: the rule checked on a read before anything
 * else is sent (iMessage group, 4 or more active members, ours among them),
 * each refusal typed with no leave sent, the leave queued as Linq queues it,
 * and a second leave refused from this client's ledger.
 */
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, type FakeSeed, Fault, type SeedChat } from "@linq-effect/testing"
import { Effect, Layer, Metric } from "effect"
import { TestClock } from "effect/testing"
import { callsTotal, leaveChat } from "../src/index.js"

const H = FakeLinq.handles
const C = FakeLinq.chats

const ours = { handle: H.alice, is_me: true }
const chat = (
  id: string,
  handles: SeedChat["handles"],
  service: SeedChat["service"] = "iMessage"
): SeedChat => ({
  id,
  service,
  handles
})

const seed: FakeSeed = {
  chats: [
    ...FakeLinq.defaultSeed.chats,
    chat("rcs-ours", [ours, H.frank, H.grace, H.heidi], "RCS"),
    chat("not-ours", [H.bob, H.carol, H.dave, H.erin]),
    chat("ours-left", [{ handle: H.alice, is_me: true, status: "left" }, H.bob, H.carol, H.dave, H.erin])
  ]
}

const TestLinq = LinqHttpClient.layer({ apiKey: "test-key", maxRetries: 0 }).pipe(
  Layer.provideMerge(FakeLinq.layer(seed))
)

/** The routes the fake received since the last call, and the journal cleared. */
const sent = Effect.gen(function* () {
  const fake = yield* FakeLinq
  const routes = (yield* fake.journal).map((e) => e.route)
  yield* fake.clearJournal
  return routes
})

describe("leaveChat", () => {
  it.effect(
    "reads the chat, checks the rule, sends POST /v3/chats/{id}/leave; the fake applies it after its queue",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        const response = yield* leaveChat(C.iMessageGroup)
        expect(response).toMatchObject({ status: "accepted", message: "Chat leave queued" })
        const journal = yield* fake.journal
        expect(journal.map((e) => [e.method, e.route, e.chatId])).toEqual([
          ["GET", "getChat", C.iMessageGroup],
          ["POST", "leave", C.iMessageGroup]
        ])
        expect(journal[1]?.text).toBe("")
        expect(yield* fake.participants(C.iMessageGroup)).toContain(H.alice)
        yield* TestClock.adjust(FakeLinq.defaultQueueDelay)
        expect(yield* fake.participants(C.iMessageGroup)).toEqual([H.bob, H.carol, H.dave])
      }).pipe(Effect.provide(TestLinq))
  )

  it.effect("each broken rule is its typed error, and no leave is sent", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const refusal = (chatId: string) =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(leaveChat(chatId))
          return { tag: error._tag, routes: yield* sent }
        })
      // A group of 3 (ours among them): leaving would leave 2.
      const small = yield* Effect.flip(leaveChat(C.smallGroup))
      expect(small).toMatchObject({ _tag: "TooFewParticipants", chatId: C.smallGroup, participants: 2 })
      expect(small).not.toHaveProperty("status")
      yield* sent
      expect(yield* refusal("rcs-ours")).toEqual({ tag: "NotAnIMessageGroup", routes: ["getChat"] })
      expect(yield* refusal(C.smsGroup)).toEqual({ tag: "NotAnIMessageGroup", routes: ["getChat"] })
      expect(yield* refusal("not-ours")).toEqual({ tag: "OwnNumberNotInChat", routes: ["getChat"] })
      expect(yield* refusal("ours-left")).toEqual({ tag: "OwnNumberNotInChat", routes: ["getChat"] })
      expect(yield* refusal(C.directMessage)).toEqual({ tag: "NotAGroupChat", routes: ["getChat"] })
      expect(yield* refusal(C.missing)).toEqual({ tag: "ChatNotFound", routes: ["getChat"] })
      expect(yield* refusal("a/b")).toEqual({ tag: "InvalidChatId", routes: [] })
      expect(yield* refusal("")).toEqual({ tag: "InvalidChatId", routes: [] })
      expect(yield* fake.pendingChanges).toBe(0)
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect(
    "a group of 5 can be left; a second leave while the first is queued is refused from the ledger",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        yield* fake.putChat(chat("five", [ours, H.bob, H.carol, H.dave, H.erin]))
        yield* leaveChat("five")
        yield* sent
        // The chat still shows our number (the leave is queued), but this client knows it is leaving.
        const again = yield* Effect.flip(leaveChat("five"))
        expect(again._tag).toBe("OwnNumberNotInChat")
        expect(yield* sent).toEqual(["getChat"])
      }).pipe(Effect.provide(TestLinq))
  )

  it.effect(
    "the server's own refusal: 1006 is NotAGroupChat with its answer, another 400 is InvalidRequest",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        yield* fake.inject(Fault.status(400, { code: 1006, message: "Cannot update a DM" }), {
          route: "leave"
        })
        const dm = yield* Effect.flip(leaveChat(C.iMessageGroup))
        expect(dm).toMatchObject({ _tag: "NotAGroupChat", chatId: C.iMessageGroup, status: 400, code: 1006 })
        yield* fake.inject(Fault.status(400, { code: 1005, message: "Nope" }), { route: "leave" })
        expect((yield* Effect.flip(leaveChat(C.iMessageGroup)))._tag).toBe("InvalidRequest")
        expect(yield* fake.pendingChanges).toBe(0)
      }).pipe(Effect.provide(TestLinq))
  )

  it.effect("counts one leaveChat call by outcome, and its chat read as a getChat", () =>
    Effect.gen(function* () {
      const count = (operation: string, outcome: string) =>
        Effect.map(Metric.value(Metric.withAttributes(callsTotal, { operation, outcome })), (s) => s.count)
      const before = yield* Effect.all([
        count("leaveChat", "success"),
        count("leaveChat", "TooFewParticipants"),
        count("getChat", "success")
      ])
      yield* leaveChat(C.iMessageGroup)
      yield* Effect.flip(leaveChat(C.smallGroup))
      const after = yield* Effect.all([
        count("leaveChat", "success"),
        count("leaveChat", "TooFewParticipants"),
        count("getChat", "success")
      ])
      expect(after.map((n, i) => n - (before[i] ?? 0))).toEqual([1, 1, 2])
    }).pipe(Effect.provide(TestLinq))
  )
})
