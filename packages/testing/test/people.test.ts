/**
 * The chat list (`GET /v3/chats`) and the leave (`POST /v3/chats/{id}/leave`)
 * as FakeLinq answers them: filters, pages, cursors and bad limits from its
 * state; the leave's rule, and its change applied after the queue delay.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { DefaultChats, DefaultHandles, FakeLinq, type FakeSeed, type SeedChat } from "../src/index.js"
import { type Answer, envelope, send } from "./helpers.js"

const C = DefaultChats
const H = DefaultHandles

interface Page {
  readonly chats: ReadonlyArray<{ readonly id: string }>
  readonly next_cursor: string | null
}

const list = (query: Record<string, string>) => send("GET", `/v3/chats?${new URLSearchParams(query)}`)

const ids = (page: unknown) => (page as Page).chats.map((chat) => chat.id)

/** Reads every page of the query, `limit` chats a page. */
const readAll = (query: Record<string, string>) =>
  Effect.gen(function* () {
    const pages: Array<ReadonlyArray<string>> = []
    let cursor: string | null = null
    do {
      const answer: Answer = yield* list(cursor === null ? query : { ...query, cursor })
      expect(answer.status).toBe(200)
      pages.push(ids(answer.json))
      cursor = (answer.json as Page).next_cursor
    } while (cursor !== null)
    return pages
  })

const chat = (id: string, handles: SeedChat["handles"]): SeedChat => ({ id, service: "iMessage", handles })

describe("FakeLinq GET /v3/chats", () => {
  it.effect(
    "lists every chat in the state's order, 20 a page by default, with a null next_cursor at the end",
    () =>
      Effect.gen(function* () {
        const answer = yield* list({})
        expect(answer.status).toBe(200)
        expect(ids(answer.json)).toEqual(FakeLinq.defaultSeed.chats.map((c) => c.id))
        expect((answer.json as Page).next_cursor).toBeNull()
        // Each chat is the Chat of GET /v3/chats/{chatId}.
        const one = yield* send("GET", `/v3/chats/${C.smallGroup}`)
        expect((answer.json as Page).chats[2]).toEqual(one.json)
      }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect(
    "to: the chats the handle has an entry in (whatever its status); from: the chats whose own number it is",
    () =>
      Effect.gen(function* () {
        expect(ids((yield* list({ to: H.bob })).json)).toEqual([
          C.iMessageGroup,
          C.smallGroup,
          C.directMessage
        ])
        // erin was removed from the iMessage group and is active in the small group.
        expect(ids((yield* list({ to: "ERIN@example.com" })).json)).toEqual([C.iMessageGroup, C.smallGroup])
        expect(ids((yield* list({ from: H.alice })).json)).toEqual([
          C.iMessageGroup,
          C.smallGroup,
          C.directMessage
        ])
        expect(ids((yield* list({ from: H.bob })).json)).toEqual([])
        expect(ids((yield* list({ to: H.grace, from: H.alice })).json)).toEqual([])
        expect(ids((yield* list({ to: H.newcomer })).json)).toEqual([])
      }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("pages by opaque cursors, each page after the last one's chat, the filter kept", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      for (let i = 0; i < 7; i++) yield* fake.putChat(chat(`extra-${i}`, [H.bob, H.carol, `+1202555020${i}`]))
      const pages = yield* readAll({ to: H.bob, limit: "3" })
      expect(pages).toEqual([
        [C.iMessageGroup, C.smallGroup, C.directMessage],
        ["extra-0", "extra-1", "extra-2"],
        ["extra-3", "extra-4", "extra-5"],
        ["extra-6"]
      ])
      const first = (yield* list({ to: H.bob, limit: "3" })).json as Page
      // Opaque: the cursor does not show the chat id it stands for.
      expect(first.next_cursor).not.toContain(C.directMessage)
      // A chat put between two reads shows up on a later page, not before the cursor.
      yield* fake.putChat(chat("late", [H.bob, H.dave, H.erin]))
      const next = yield* list({ to: H.bob, limit: "3", cursor: first.next_cursor ?? "" })
      expect(ids(next.json)).toEqual(["extra-0", "extra-1", "extra-2"])
      expect((yield* readAll({ to: H.bob, limit: "100" })).flat()).toContain("late")
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("a page exactly full ends with a null cursor when nothing follows", () =>
    Effect.gen(function* () {
      expect(yield* readAll({ to: H.bob, limit: "3" })).toEqual([
        [C.iMessageGroup, C.smallGroup, C.directMessage]
      ])
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect(
    "a limit outside 1–100, a cursor it did not make or a malformed to is a 400 in Linq's envelope",
    () =>
      Effect.gen(function* () {
        for (const limit of ["0", "101", "-1", "2.5", "ten"]) {
          const answer = yield* list({ limit })
          expect(answer.status).toBe(400)
          expect(answer.json).toEqual(envelope(400, 1005, "limit must be an integer between 1 and 100"))
        }
        expect((yield* list({ limit: "1" })).status).toBe(200)
        expect((yield* list({ limit: "100" })).status).toBe(200)
        const cursor = yield* list({ cursor: "not-a-cursor" })
        expect(cursor.json).toEqual(envelope(400, 1005, "Invalid cursor"))
        const to = yield* list({ to: "(202) 555-0102" })
        expect(to.json).toEqual(envelope(400, 1002, "to must be an E.164 phone number or an email address"))
        const fake = yield* FakeLinq
        expect((yield* fake.journal).map((e) => e.route)).toEqual(Array(9).fill("listChats"))
      }).pipe(Effect.provide(FakeLinq.layer()))
  )
})

/** An iMessage group of `n` active members, ours first. */
const groupOf = (id: string, n: number, service: "iMessage" | "RCS" = "iMessage"): SeedChat => ({
  id,
  service,
  handles: [{ handle: H.alice, is_me: true }, ...Array.from({ length: n - 1 }, (_, i) => `+1202555030${i}`)]
})

const seed: FakeSeed = {
  chats: [
    groupOf("four", 4),
    groupOf("three", 3),
    groupOf("rcs", 5, "RCS"),
    { id: "not-ours", service: "iMessage", handles: [H.bob, H.carol, H.dave, H.erin] },
    { id: "dm", service: "iMessage", is_group: false, handles: [{ handle: H.alice, is_me: true }, H.bob] }
  ]
}

const leave = (chatId: string) => send("POST", `/v3/chats/${chatId}/leave`)

describe("FakeLinq POST /v3/chats/{chatId}/leave", () => {
  it.effect("queues our number's leave of an iMessage group of 4 and applies it after the queue delay", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const answer = yield* leave("four")
      expect(answer.status).toBe(202)
      expect(answer.json).toEqual({
        message: "Chat leave queued",
        status: "accepted",
        trace_id: expect.stringMatching(/^trace_/)
      })
      expect(yield* fake.participants("four")).toContain(H.alice)
      expect(yield* fake.pendingChanges).toBe(1)
      yield* TestClock.adjust(FakeLinq.defaultQueueDelay)
      expect(yield* fake.participants("four")).not.toContain(H.alice)
      expect((yield* fake.chat("four")).handles[0]).toMatchObject({ handle: H.alice, status: "removed" })
      expect((yield* fake.journal).map((e) => [e.route, e.chatId])).toEqual([["leave", "four"]])
    }).pipe(Effect.provide(FakeLinq.layer(seed)))
  )

  it.effect("refuses a group of 3, another service, a chat without our number, a DM; 404 for no chat", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      expect((yield* leave("three")).json).toEqual(
        envelope(400, 1005, "Group chats must have at least 3 participants")
      )
      expect((yield* leave("rcs")).json).toEqual(envelope(400, 1005, "Only iMessage group chats can be left"))
      expect((yield* leave("not-ours")).json).toEqual(
        envelope(400, 1005, "Your phone number is not an active participant of this chat")
      )
      expect((yield* leave("dm")).json).toEqual(
        envelope(400, 1006, "Cannot add or remove participants in a direct message; group chats only")
      )
      expect((yield* leave("nope")).json).toEqual(envelope(404, 2001, "Chat not found"))
      expect(yield* fake.pendingChanges).toBe(0)
      for (const id of ["three", "rcs", "dm"]) expect(yield* fake.participants(id)).toContain(H.alice)
    }).pipe(Effect.provide(FakeLinq.layer(seed)))
  )

  it.effect("a second leave while the first is queued is accepted on arrival and dropped when applied", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      expect((yield* leave("four")).status).toBe(202)
      expect((yield* leave("four")).status).toBe(202)
      yield* TestClock.adjust(FakeLinq.defaultQueueDelay)
      expect(yield* fake.participants("four")).toHaveLength(3)
      expect((yield* leave("four")).json).toEqual(
        envelope(400, 1005, "Your phone number is not an active participant of this chat")
      )
    }).pipe(Effect.provide(FakeLinq.layer(seed)))
  )
})
