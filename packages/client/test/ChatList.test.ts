/**
 * listChats and chatsOf against FakeLinq: several pages read in order by
 * cursor, an early stop that reads one page, a failed page that carries its
 * cursor (and a listing resumed from it), interruption that stops paging,
 * and bad input refused with nothing sent.
 */
import { describe, expect, it } from "@effect/vitest"
import type { ChatsPageFailed, ListChatsError } from "@linq-effect/core"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, Fault, type FakeSeed, type JournalEntry } from "@linq-effect/testing"
import { Effect, Fiber, Layer, Metric, Stream } from "effect"
import { Answer } from "../../http/test/RecordingHttpClient.js"
import { linqLayer } from "../../http/test/testkit.js"
import { callsTotal, chatsOf, listChats } from "../src/index.js"
import { chatBody } from "./membership.js"

const H = FakeLinq.handles
const C = FakeLinq.chats

/** The default seed, plus 7 groups of bob's, "extra-0" to "extra-6". */
const seed: FakeSeed = {
  ...FakeLinq.defaultSeed,
  chats: [
    ...FakeLinq.defaultSeed.chats,
    ...Array.from({ length: 7 }, (_, i) => ({
      id: `extra-${i}`,
      service: "iMessage" as const,
      handles: [H.bob, H.carol, `+1202555020${i}`]
    }))
  ]
}
const bobsChats = [
  C.iMessageGroup,
  C.smallGroup,
  C.directMessage,
  ...Array.from({ length: 7 }, (_, i) => `extra-${i}`)
]

const TestLinq = LinqHttpClient.layer({ apiKey: "test-key", maxRetries: 0 }).pipe(
  Layer.provideMerge(FakeLinq.layer(seed))
)

/** The query of every chat-list request the fake received. */
const listRequests = Effect.gen(function* () {
  const entries: ReadonlyArray<JournalEntry> = yield* (yield* FakeLinq).journal
  return entries
    .filter((e) => e.route === "listChats")
    .map((e): Record<string, string> => Object.fromEntries(new URL(e.url).searchParams))
})

/** The ChatsPageFailed the stream ends with (any other end is a defect of the test). */
const pageFailure = <A, R>(stream: Stream.Stream<A, ListChatsError, R>) =>
  Stream.runDrain(stream).pipe(
    Effect.flatMap(() => Effect.die("the stream ended without failing")),
    Effect.catchTag("ChatsPageFailed", (e: ChatsPageFailed) => Effect.succeed(e)),
    Effect.orDie
  )

const ids = <E, R>(stream: Stream.Stream<{ readonly id: string }, E, R>) =>
  Stream.runCollect(Stream.map(stream, (chat) => chat.id))

describe("listChats", () => {
  it.effect("reads every page in order, by cursor, with the filter and page size on each request", () =>
    Effect.gen(function* () {
      expect(yield* ids(listChats({ to: H.bob, pageSize: 3 }))).toEqual(bobsChats)
      const requests = yield* listRequests
      expect(requests).toHaveLength(4)
      expect(requests.map((q) => [q.to, q.limit])).toEqual(Array(4).fill([H.bob, "3"]))
      expect(requests[0]).not.toHaveProperty("cursor")
      const cursors = requests.slice(1).map((q) => q.cursor)
      expect(new Set(cursors).size).toBe(3)
      // from (our number) is a filter of its own; without pageSize no limit is sent (Linq's 20).
      expect(yield* ids(listChats({ from: H.alice }))).toEqual([
        C.iMessageGroup,
        C.smallGroup,
        C.directMessage
      ])
      expect((yield* listRequests).at(-1)).toEqual({ from: H.alice })
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect("is lazy: a consumer that stops early reads one page, and nothing is sent before it pulls", () =>
    Effect.gen(function* () {
      const stream = chatsOf(H.bob, { pageSize: 5 })
      expect(yield* listRequests).toEqual([])
      expect(yield* ids(Stream.take(stream, 2))).toEqual(bobsChats.slice(0, 2))
      expect(yield* listRequests).toHaveLength(1)
      // Exactly a page: still one request.
      expect(yield* ids(Stream.take(stream, 5))).toEqual(bobsChats.slice(0, 5))
      expect(yield* listRequests).toHaveLength(2)
      // One more than a page: the second page.
      expect(yield* ids(Stream.take(stream, 6))).toEqual(bobsChats.slice(0, 6))
      expect(yield* listRequests).toHaveLength(4)
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect(
    "a failed page ends the stream with ChatsPageFailed, its cursor and reason; the listing resumes from it",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        const seen: Array<string> = []
        // The first page goes through; then the chat list answers 503.
        const stream = listChats({ to: H.bob, pageSize: 4 }).pipe(
          Stream.tap((chat) =>
            Effect.andThen(
              Effect.sync(() => seen.push(chat.id)),
              seen.length === 1 ? fake.inject(Fault.status(503), { route: "listChats" }) : Effect.void
            )
          )
        )
        const error = yield* pageFailure(stream)
        expect(error._tag).toBe("ChatsPageFailed")
        expect(error.page).toBe(2)
        expect(error.reason._tag).toBe("ServerError")
        expect(error.message).toContain("page 2")
        expect(seen).toEqual(bobsChats.slice(0, 4))
        const requests = yield* listRequests
        expect(error.cursor).toBe(requests[1]?.cursor)
        // Resumed at the failed page's cursor: the chats after the first page, and no more.
        expect(yield* ids(listChats({ to: H.bob, pageSize: 4, cursor: error.cursor }))).toEqual(
          bobsChats.slice(4)
        )
      }).pipe(Effect.provide(TestLinq))
  )

  it.effect("a transport fault on the first page carries no cursor", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.disconnect, { route: "listChats" })
      const error = yield* Effect.flip(Stream.runDrain(chatsOf(H.bob)))
      expect(error).toMatchObject({ _tag: "ChatsPageFailed", page: 1, reason: { _tag: "ConnectionError" } })
      expect(error).not.toHaveProperty("cursor")
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect("interruption stops paging: the page in flight is interrupted and no other is asked for", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const seen: Array<string> = []
      const stream = listChats({ to: H.bob, pageSize: 3 }).pipe(
        Stream.tap((chat) =>
          Effect.andThen(
            Effect.sync(() => seen.push(chat.id)),
            seen.length === 1 ? fake.inject(Fault.hang, { route: "listChats" }) : Effect.void
          )
        )
      )
      const fiber = yield* Effect.forkChild(Stream.runDrain(stream))
      // Wait until the second page's request hangs in the fake.
      while ((yield* fake.journal).filter((e) => e.outcome._tag === "Pending").length === 0)
        yield* Effect.yieldNow
      yield* Fiber.interrupt(fiber)
      const journal = yield* fake.journal
      expect(journal.map((e) => [e.route, e.outcome._tag])).toEqual([
        ["listChats", "Responded"],
        ["listChats", "Interrupted"]
      ])
      expect(seen).toEqual(bobsChats.slice(0, 3))
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect(
    "bad input fails the stream before any request: pageSize outside 1–100, a malformed to or from",
    () =>
      Effect.gen(function* () {
        for (const pageSize of [0, 101, -1, 2.5, Number.NaN]) {
          const error = yield* Effect.flip(Stream.runDrain(listChats({ pageSize })))
          expect(error).toMatchObject({ _tag: "InvalidOption", option: "pageSize", input: String(pageSize) })
          expect(error.message).toContain("a whole number from 1 to 100")
        }
        expect(yield* ids(listChats({ pageSize: 1 }).pipe(Stream.take(1)))).toHaveLength(1)
        expect(yield* ids(listChats({ pageSize: 100 }))).toHaveLength(seed.chats.length)
        const sent = (yield* listRequests).length
        expect((yield* Effect.flip(Stream.runDrain(listChats({ to: "555-0102" }))))._tag).toBe(
          "InvalidHandle"
        )
        expect((yield* Effect.flip(Stream.runDrain(listChats({ from: "nobody" }))))._tag).toBe(
          "InvalidHandle"
        )
        // chatsOf needs its handle: without one it never lists every chat.
        const missing = chatsOf(undefined as unknown as string)
        expect((yield* Effect.flip(Stream.runDrain(missing)))._tag).toBe("InvalidHandle")
        expect(yield* listRequests).toHaveLength(sent)
      }).pipe(Effect.provide(TestLinq))
  )

  it.effect("counts one listChats call per page read", () =>
    Effect.gen(function* () {
      const count = Effect.map(
        Metric.value(Metric.withAttributes(callsTotal, { operation: "listChats", outcome: "success" })),
        (s) => s.count
      )
      const before = yield* count
      yield* Stream.runDrain(chatsOf(H.bob, { pageSize: 4 }))
      expect((yield* count) - before).toBe(3)
    }).pipe(Effect.provide(TestLinq))
  )
})

describe("listChats against answers FakeLinq does not give", () => {
  const page = (ids: ReadonlyArray<string>, next: string | null | undefined) => ({
    chats: ids.map((id) => chatBody(["+15550000002", "+15550000003", "+15550000004"], { id })),
    ...(next === undefined ? {} : { next_cursor: next })
  })

  it.effect("a next_cursor that repeats its own cursor fails the stream instead of paging for ever", () =>
    Effect.gen(function* () {
      const seen: Array<string> = []
      const error = yield* pageFailure(
        Stream.tap(listChats(), (chat) => Effect.sync(() => seen.push(chat.id)))
      )
      expect(error).toMatchObject({ _tag: "ChatsPageFailed", page: 2, cursor: "c1" })
      expect(error.reason._tag).toBe("UnexpectedResponse")
      // The page with the bogus cursor is refused whole.
      expect(seen).toEqual(["a"])
    }).pipe(
      Effect.provide(
        linqLayer([Answer.json(200, page(["a"], "c1")), Answer.json(200, page(["b"], "c1"))], {
          maxRetries: 0
        })
      )
    )
  )

  it.effect("an absent or empty next_cursor ends the list", () =>
    Effect.gen(function* () {
      expect(yield* ids(listChats())).toEqual(["a", "b"])
    }).pipe(
      Effect.provide(linqLayer([Answer.json(200, page(["a"], "c1")), Answer.json(200, page(["b"], ""))]))
    )
  )

  it.effect("a page that is not the documented shape is ChatsPageFailed with UnexpectedResponse", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Stream.runDrain(listChats()))
      expect(error).toMatchObject({
        _tag: "ChatsPageFailed",
        page: 1,
        reason: { _tag: "UnexpectedResponse" }
      })
    }).pipe(Effect.provide(linqLayer([Answer.json(200, { data: [] })])))
  )
})
