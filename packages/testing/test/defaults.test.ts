/**
 * What a FakeLinq given no options shows: Linq's queue (an accepted change is
 * applied `FakeLinq.defaultQueueDelay` after its 202, and only then does the
 * chat show it), and a default seed whose chats mark alice as the chat's own
 * number (`is_me`). The queue tests are about the default, so they alone build
 * a FakeLinq without `queueDelay`.
 */
import type { HttpClient } from "effect/http"
import { NodeHttpClient } from "@effect/platform-node"
import { addParticipant, getChat, removeParticipant, syncParticipants } from "@linq-effect/client"
import { GroupChatRules } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { DefaultChats, DefaultHandles, FakeLinq } from "../src/index.js"
import { chatPath, participantsPath, send } from "./helpers.js"

const C = DefaultChats
const H = DefaultHandles

const sdkOver = (fake: Layer.Layer<FakeLinq | HttpClient.HttpClient>) =>
  LinqHttpClient.layer({ apiKey: "test", maxRetries: 0 }).pipe(Layer.provideMerge(fake))

const members = (chatId: string) =>
  Effect.map(getChat(chatId), (chat) => GroupChatRules.activeParticipants(chat).map((h) => h.handle))

describe("the default queue delay", () => {
  it("is one second, as documented", () => {
    expect(Duration.toMillis(FakeLinq.defaultQueueDelay)).toBe(1000)
  })

  const changes = [
    { op: "add", chatId: C.iMessageGroup, handle: H.newcomer },
    { op: "add", chatId: C.smsGroup, handle: H.iMessageCapable },
    { op: "add", chatId: C.iMessageGroup, handle: H.erin }, // removed earlier, back again
    { op: "remove", chatId: C.iMessageGroup, handle: H.dave },
    { op: "remove", chatId: C.rcsGroup, handle: H.frank }
  ] as const

  for (const { op, chatId, handle } of changes) {
    it.effect(`${op} ${handle} in ${chatId}: 202 at once, shown by getChat only after the delay`, () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        const before = yield* members(chatId)
        const answer =
          op === "add"
            ? yield* addParticipant(chatId, { handle }, { rules: "server" })
            : yield* removeParticipant(chatId, { handle }, { rules: "server" })
        expect(answer.status).toBe("accepted")
        expect(yield* fake.pendingChanges).toBe(1)
        // accepted means queued: the chat has not changed yet, read however often
        expect(yield* members(chatId)).toEqual(before)
        yield* TestClock.adjust("999 millis")
        expect(yield* members(chatId)).toEqual(before)
        yield* TestClock.adjust("1 millis")
        const after = yield* members(chatId)
        expect(after).toEqual(op === "add" ? [...before, handle] : before.filter((h) => h !== handle))
        expect(yield* fake.pendingChanges).toBe(0)
        expect((yield* fake.journal).map((e) => [e.route, e.outcome])).toEqual([
          ["getChat", { _tag: "Responded", status: 200 }],
          [op, { _tag: "Responded", status: 202 }],
          ["getChat", { _tag: "Responded", status: 200 }],
          ["getChat", { _tag: "Responded", status: 200 }],
          ["getChat", { _tag: "Responded", status: 200 }]
        ])
      }).pipe(Effect.provide(sdkOver(FakeLinq.layer())))
    )
  }

  it.effect("two removals accepted against the visible group of 4: the queue drops the second", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* removeParticipant(C.iMessageGroup, { handle: H.carol }, { rules: "server" })
      yield* removeParticipant(C.iMessageGroup, { handle: H.dave }, { rules: "server" })
      expect(yield* fake.pendingChanges).toBe(2)
      yield* TestClock.adjust(FakeLinq.defaultQueueDelay)
      // both were due at the same instant: one of them applied, the other no longer passed the rules
      const after = yield* members(C.iMessageGroup)
      expect(after).toHaveLength(3)
      expect(after.filter((h) => h === H.carol || h === H.dave)).toHaveLength(1)
      expect(yield* fake.pendingChanges).toBe(0)
    }).pipe(Effect.provide(sdkOver(FakeLinq.layer())))
  )

  it.live("served with no options: the chat read right after a 202 does not show it; awaitQueue does", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const fake = yield* FakeLinq.serve()
        const options = { baseUrl: fake.baseUrl, json: { handle: H.newcomer } }
        const added = yield* send("POST", participantsPath(C.rcsGroup), options)
        expect(added.status).toBe(202)
        const read = yield* send("GET", chatPath(C.rcsGroup), { baseUrl: fake.baseUrl })
        const handles = (read.json as { handles: ReadonlyArray<{ handle: string }> }).handles
        expect(handles.map((h) => h.handle)).not.toContain(H.newcomer)
        yield* fake.awaitQueue
        expect(yield* fake.participants(C.rcsGroup)).toEqual([H.frank, H.grace, H.heidi, H.ivan, H.newcomer])
      }).pipe(Effect.provide(NodeHttpClient.layerUndici))
    )
  )
})

describe("is_me in the default seed", () => {
  const immediate = sdkOver(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 }))

  const ours = [
    [C.iMessageGroup, [H.alice]],
    [C.smallGroup, [H.alice]],
    [C.directMessage, [H.alice]],
    [C.rcsGroup, []],
    [C.smsGroup, []]
  ] as const

  for (const [chatId, expected] of ours) {
    it.effect(`getChat(${chatId}) marks ${expected.length === 0 ? "no handle" : "alice"} as ours`, () =>
      Effect.gen(function* () {
        const chat = yield* getChat(chatId)
        expect(chat.handles.filter((h) => h.is_me === true).map((h) => h.handle)).toEqual(expected)
        // on the wire too, as Linq sends it
        const wire = yield* send("GET", chatPath(chatId))
        const handles = (wire.json as { handles: ReadonlyArray<{ handle: string; is_me?: unknown }> }).handles
        expect(handles.filter((h) => h.is_me === true).map((h) => h.handle)).toEqual(expected)
      }).pipe(Effect.provide(immediate))
    )
  }

  it.effect("the documented member counts hold: alice counts as a member where she is ours", () =>
    Effect.gen(function* () {
      expect(yield* members(C.iMessageGroup)).toEqual([H.alice, H.bob, H.carol, H.dave])
      expect(yield* members(C.smallGroup)).toEqual([H.alice, H.bob, H.erin])
      expect(yield* members(C.directMessage)).toEqual([H.alice, H.bob])
      expect(yield* members(C.rcsGroup)).toHaveLength(4)
      expect(yield* members(C.smsGroup)).toHaveLength(3)
    }).pipe(Effect.provide(immediate))
  )

  const plans = [
    { chatId: C.iMessageGroup, desired: [H.bob, H.carol, H.newcomer], add: [H.newcomer], remove: [H.dave] },
    { chatId: C.iMessageGroup, desired: [H.bob, H.carol, H.dave], add: [], remove: [] },
    { chatId: C.smallGroup, desired: [H.bob, H.erin, H.newcomer], add: [H.newcomer], remove: [] }
  ] as const

  for (const { chatId, desired, add, remove } of plans) {
    it.effect(`a sync of ${chatId} to ${desired.join(", ")} keeps alice (ours) unnamed`, () =>
      Effect.gen(function* () {
        const preview = yield* syncParticipants(chatId, desired, { dryRun: true })
        expect(preview.plan.add).toEqual(add)
        expect(preview.plan.remove).toEqual(remove)
        expect(preview.plan.keep).toContain(H.alice)
        const fake = yield* FakeLinq
        const changes = (yield* fake.journal).filter((e) => e.route === "add" || e.route === "remove")
        expect(changes).toEqual([])
      }).pipe(Effect.provide(immediate))
    )
  }
})
