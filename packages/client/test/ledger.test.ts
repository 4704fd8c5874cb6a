/**
 * The in-memory ledger on its own: what a projection of the chat counts, when
 * entries end (shown, expired, superseded, settled), and reservations.
 */
import { describe, expect, it } from "@effect/vitest"
import { type Chat, GroupChatRules, type ChatHandle } from "@linq-effect/core"
import { DateTime, Duration, Effect, Option, Result } from "effect"
import { TestClock } from "effect/testing"
import { makeInMemory, PENDING_BOUND, project } from "../src/internal/ledger.js"

const CHAT = "chat-1"
const at = DateTime.makeUnsafe("2026-01-02T03:04:05Z")

const chatOf = (active: ReadonlyArray<string>, gone: ReadonlyArray<string> = []): Chat => ({
  id: CHAT,
  display_name: null,
  service: "iMessage",
  is_group: true,
  created_at: at,
  updated_at: at,
  handles: [
    ...active.map((handle, i): ChatHandle => ({ id: `a${i}`, handle, service: "iMessage", joined_at: at })),
    ...gone.map(
      (handle, i): ChatHandle => ({
        id: `g${i}`,
        handle,
        service: "iMessage",
        joined_at: at,
        status: "removed"
      })
    )
  ]
})

const members = (chat: Chat) => GroupChatRules.activeParticipants(chat).map((h) => h.handle)
const allow = () => Option.none<never>()

describe("project", () => {
  it("applies the changes in order: removals go, adds join once, a re-add after a removal counts", () => {
    const base = chatOf(["+1", "+2", "a@x.io"], ["+9"])
    const change = (op: "add" | "remove", handle: string) => ({
      chatId: CHAT,
      op,
      handle,
      at: 0,
      reserved: false
    })
    expect(members(project(base, [change("remove", "+1")]))).toEqual(["+2", "a@x.io"])
    expect(members(project(base, [change("add", "+9"), change("add", "A@X.io")]))).toEqual([
      "+1",
      "+2",
      "a@x.io",
      "+9"
    ])
    expect(members(project(base, [change("remove", "A@x.IO"), change("add", "a@x.io")]))).toEqual([
      "+1",
      "+2",
      "a@x.io"
    ])
    // An add still in flight is not a member yet; a removal in flight is already gone.
    expect(members(project(base, [{ ...change("add", "+7"), reserved: true }]))).toEqual([
      "+1",
      "+2",
      "a@x.io"
    ])
    expect(members(project(base, [{ ...change("remove", "+2"), reserved: true }]))).toEqual(["+1", "a@x.io"])
  })
})

describe("the in-memory ledger", () => {
  it.effect("an entry goes when a read shows it, and only then", () =>
    Effect.gen(function* () {
      const ledger = makeInMemory()
      yield* ledger.record(CHAT, "remove", "+1")
      yield* ledger.record(CHAT, "add", "+5")
      expect((yield* ledger.observe(CHAT, chatOf(["+1", "+2", "+3"]))).map((e) => e.handle)).toEqual([
        "+1",
        "+5"
      ])
      // Shown: +1 gone, +5 active; the entries go.
      expect(yield* ledger.observe(CHAT, chatOf(["+2", "+3", "+5"]))).toEqual([])
      // Another chat's entries are its own.
      yield* ledger.record("chat-2", "remove", "+2")
      expect(yield* ledger.observe(CHAT, chatOf(["+2", "+3", "+5"]))).toEqual([])
    })
  )

  for (const bound of [PENDING_BOUND, "10 seconds", "5 minutes"] as const) {
    it.effect(`an entry expires after its bound (${typeof bound === "string" ? bound : "2 minutes"})`, () =>
      Effect.gen(function* () {
        const ledger = makeInMemory(bound)
        const chat = chatOf(["+1", "+2", "+3", "+4"])
        yield* ledger.record(CHAT, "remove", "+4")
        const millis = typeof bound === "string" ? (bound === "10 seconds" ? 10_000 : 300_000) : 120_000
        yield* TestClock.adjust(millis - 1)
        expect(yield* ledger.observe(CHAT, chat)).toHaveLength(1)
        yield* TestClock.adjust(1)
        expect(yield* ledger.observe(CHAT, chat)).toEqual([])
      })
    )
  }

  it.effect("a later accepted change of the same handle supersedes the earlier one; settle forgets one", () =>
    Effect.gen(function* () {
      const ledger = makeInMemory()
      const chat = chatOf(["+1", "+2", "+3", "+4"])
      yield* ledger.record(CHAT, "remove", "+4")
      yield* ledger.record(CHAT, "add", "+4")
      expect((yield* ledger.observe(CHAT, chatOf(["+1", "+2", "+3"]))).map((e) => e.op)).toEqual(["add"])
      yield* ledger.record(CHAT, "remove", "+3")
      yield* ledger.settle(CHAT, "remove", "+3")
      yield* ledger.settle(CHAT, "add", "+4")
      expect(yield* ledger.observe(CHAT, chat)).toEqual([])
    })
  )

  it.effect("reserve checks the projection and holds the change until commit or release", () =>
    Effect.gen(function* () {
      const ledger = makeInMemory()
      const chat = chatOf(["+1", "+2", "+3", "+4"])
      const check = (handle: string) => (projected: Chat) => GroupChatRules.checkRemove(projected, handle)
      const first = yield* ledger.reserve(CHAT, chat, { op: "remove", handle: "+1" }, check("+1"))
      expect(Result.isSuccess(first)).toBe(true)
      // The reserved removal already counts: a second one would leave 2.
      const second = yield* ledger.reserve(CHAT, chat, { op: "remove", handle: "+2" }, check("+2"))
      expect(Result.getFailure(second).pipe(Option.map((v) => v._tag))).toEqual(
        Option.some("TooFewParticipants")
      )
      if (Result.isSuccess(first)) yield* ledger.release(first.success)
      const third = yield* ledger.reserve(CHAT, chat, { op: "remove", handle: "+2" }, check("+2"))
      expect(Result.isSuccess(third)).toBe(true)
      if (Result.isSuccess(third)) yield* ledger.commit(third.success)
      expect((yield* ledger.observe(CHAT, chat)).map((e) => [e.handle, e.reserved])).toEqual([["+2", false]])
      // A reservation is not dropped by a read, nor by the bound, while its request runs.
      const fourth = yield* ledger.reserve(CHAT, chat, { op: "add", handle: "+7" }, allow)
      yield* TestClock.adjust("10 minutes")
      yield* ledger.observe(CHAT, chatOf(["+1", "+2", "+3", "+4", "+7"]))
      if (Result.isSuccess(fourth)) yield* ledger.commit(fourth.success)
      expect((yield* ledger.observe(CHAT, chat)).map((e) => [e.handle, e.op, e.reserved])).toEqual([
        ["+7", "add", false]
      ])
    })
  )

  it.effect("memory stays bounded: entries of chats never touched again go within two bounds", () =>
    Effect.gen(function* () {
      for (const [chats, bound] of [
        [10, "1 minute"],
        [500, "2 minutes"],
        [2000, "30 seconds"]
      ] as const) {
        const ledger = makeInMemory(bound)
        for (let i = 0; i < chats; i++) yield* ledger.record(`chat-${i}`, "add", `+1555000${i}`)
        expect(yield* ledger.size).toBe(chats)
        // Within the bound, every chat's change still counts, and a change elsewhere sweeps nothing.
        yield* TestClock.adjust(Duration.subtract(Duration.fromInputUnsafe(bound), Duration.millis(1)))
        yield* ledger.record("other", "remove", "+19")
        expect(yield* ledger.size).toBe(chats + 1)
        // At the bound, one change anywhere sweeps every chat: only the two recent ones stay.
        yield* TestClock.adjust("1 millis")
        yield* ledger.record("another", "remove", "+18")
        expect(yield* ledger.size).toBe(2)
        yield* TestClock.adjust(bound)
        yield* ledger.record("last", "add", "+17")
        expect(yield* ledger.size).toBe(1)
      }
    })
  )
})
