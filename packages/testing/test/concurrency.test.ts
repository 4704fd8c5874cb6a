import { Chat, GroupChatRules } from "@linq-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option, Schema } from "effect"
import { TestClock } from "effect/testing"
import { DefaultChats, DefaultHandles, FakeLinq } from "../src/index.js"
import { participantsPath, send } from "./helpers.js"

const members = (n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => `+1303555${String(1000 + offset + i).padStart(4, "0")}`)

describe("atomicity", () => {
  it.effect("200 concurrent removals on a 10-member group end with exactly 3 members", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const ten = members(10)
      yield* fake.putChat({ id: "ten", service: "iMessage", handles: ten })
      const removals = Array.from({ length: 200 }, (_, i) =>
        send("DELETE", participantsPath("ten"), { json: { handle: ten[i % 10] } })
      )
      const answers = yield* Effect.all(removals, { concurrency: "unbounded" })
      const accepted = answers.filter((a) => a.status === 202)
      expect(accepted).toHaveLength(7)
      for (const a of answers) expect([202, 400]).toContain(a.status)
      expect(yield* fake.participants("ten")).toHaveLength(3)
      const chat = yield* fake.chat("ten")
      expect(chat.handles.filter((h) => h.status === "removed")).toHaveLength(7)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("1,000 concurrent mixed adds and removes: never below 3, no update lost", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const pool = members(40)
      const start = pool.slice(0, 5)
      yield* fake.putChat({ id: "mixed", service: "RCS", handles: start })
      let lowest = Number.POSITIVE_INFINITY
      const watch = Effect.gen(function* () {
        const chat = yield* fake.chat("mixed")
        lowest = Math.min(lowest, GroupChatRules.activeParticipants(chat).length)
      })
      const operations = Array.from({ length: 1000 }, (_, i) => {
        const handle = pool[(i * 7) % pool.length] ?? ""
        const op = i % 3 === 0 ? ("POST" as const) : ("DELETE" as const)
        return Effect.map(
          Effect.tap(send(op, participantsPath("mixed"), { json: { handle } }), watch),
          (a) => [op, a.status] as const
        )
      })
      const results = yield* Effect.all(operations, { concurrency: "unbounded" })
      const adds = results.filter(([op, s]) => op === "POST" && s === 202).length
      const removes = results.filter(([op, s]) => op === "DELETE" && s === 202).length
      const chat = yield* fake.chat("mixed")
      const active = GroupChatRules.activeParticipants(chat).length
      expect(active).toBeGreaterThanOrEqual(3)
      expect(lowest).toBeGreaterThanOrEqual(3)
      // every accepted change is in the state, and only those
      expect(active).toBe(start.length + adds - removes)
      expect(chat.handles.filter((h) => h.status === "removed")).toHaveLength(removes)
      expect(chat.handles).toHaveLength(start.length + adds)
      // no handle is active twice
      const handles = GroupChatRules.activeParticipants(chat).map((h) => h.handle)
      expect(new Set(handles).size).toBe(handles.length)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )
})

describe("queue delay", () => {
  it.effect("an accepted change is applied after the queue delay", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const answer = yield* send("POST", participantsPath(DefaultChats.iMessageGroup), {
        json: { handle: DefaultHandles.newcomer }
      })
      expect(answer.status).toBe(202)
      expect(yield* fake.participants(DefaultChats.iMessageGroup)).not.toContain(DefaultHandles.newcomer)
      expect(yield* fake.pendingChanges).toBe(1)
      yield* TestClock.adjust("1 second")
      expect(yield* fake.participants(DefaultChats.iMessageGroup)).toContain(DefaultHandles.newcomer)
      expect(yield* fake.pendingChanges).toBe(0)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: "1 second" })))
  )

  it.effect("rules are checked again when a queued change is applied: a stale one is dropped", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const { iMessageGroup } = DefaultChats
      const { carol, dave } = DefaultHandles
      // both accepted against the visible 4-member group...
      const a = yield* send("DELETE", participantsPath(iMessageGroup), { json: { handle: carol } })
      const b = yield* send("DELETE", participantsPath(iMessageGroup), { json: { handle: dave } })
      expect([a.status, b.status]).toEqual([202, 202])
      expect(yield* fake.pendingChanges).toBe(2)
      const waiting = yield* Effect.forkChild(fake.awaitQueue)
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(waiting)
      // ...but only the first can be applied
      expect(yield* fake.participants(iMessageGroup)).toHaveLength(3)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: "5 seconds" })))
  )

  it.effect("reset drops queued changes", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* send("POST", participantsPath(DefaultChats.rcsGroup), {
        json: { handle: DefaultHandles.newcomer }
      })
      yield* fake.reset
      yield* TestClock.adjust("1 minute")
      expect(yield* fake.participants(DefaultChats.rcsGroup)).not.toContain(DefaultHandles.newcomer)
      expect(Option.isSome(yield* Effect.option(fake.chat(DefaultChats.rcsGroup)))).toBe(true)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: "1 second" })))
  )
})

describe("queue delay, as GET /v3/chats/{chatId} shows it", () => {
  const getChat = (chatId: string) =>
    Effect.map(send("GET", `/v3/chats/${chatId}`), (answer) => Schema.decodeUnknownSync(Chat)(answer.json))
  const active = (chat: Chat) => GroupChatRules.activeParticipants(chat).map((h) => h.handle)

  it.effect("an accepted add and removal appear only once applied", () =>
    Effect.gen(function* () {
      const { iMessageGroup } = DefaultChats
      const { newcomer, alice, bob, carol, dave } = DefaultHandles
      const add = yield* send("POST", participantsPath(iMessageGroup), { json: { handle: newcomer } })
      const remove = yield* send("DELETE", participantsPath(iMessageGroup), { json: { handle: dave } })
      expect([add.status, remove.status]).toEqual([202, 202])
      // accepted means queued: the chat has not changed yet
      yield* TestClock.adjust("1999 millis")
      expect(active(yield* getChat(iMessageGroup))).toEqual([alice, bob, carol, dave])
      yield* TestClock.adjust("1 millis")
      const chat = yield* getChat(iMessageGroup)
      expect(active(chat)).toEqual([alice, bob, carol, newcomer])
      expect(chat.handles.find((h) => h.handle === dave)).toMatchObject({ status: "removed" })
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: "2 seconds" })))
  )

  it.effect("with `queueDelay: 0` the change shows at once", () =>
    Effect.gen(function* () {
      yield* send("POST", participantsPath(DefaultChats.rcsGroup), {
        json: { handle: DefaultHandles.newcomer }
      })
      expect(active(yield* getChat(DefaultChats.rcsGroup))).toContain(DefaultHandles.newcomer)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )
})
