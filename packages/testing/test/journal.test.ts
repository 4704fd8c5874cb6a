import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { DefaultChats, DefaultHandles, FakeLinq, Fault, redactHeaders } from "../src/index.js"
import { chatPath, participantsPath, send, TOKEN } from "./helpers.js"

const C = DefaultChats
const H = DefaultHandles

describe("journal", () => {
  it.effect("records method, path, route, chat id, headers, parsed body and the answer", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* send("POST", participantsPath(C.iMessageGroup), {
        json: { handle: H.newcomer },
        headers: { "x-request-id": "r-1" }
      })
      yield* send("DELETE", participantsPath(C.smallGroup), { json: { handle: H.alice } })
      yield* send("GET", chatPath(C.iMessageGroup))
      yield* send("POST", participantsPath(C.iMessageGroup), { raw: "not json" })
      const journal = yield* fake.journal
      expect(journal.map((e) => [e.seq, e.method, e.route, e.outcome])).toEqual([
        [1, "POST", "add", { _tag: "Responded", status: 202 }],
        [2, "DELETE", "remove", { _tag: "Responded", status: 400 }],
        [3, "GET", "getChat", { _tag: "Responded", status: 200 }],
        [4, "POST", "add", { _tag: "Responded", status: 400 }]
      ])
      const [first, second, third, fourth] = journal
      expect(first).toMatchObject({
        url: `https://api.linqapp.com/api/partner/v3/chats/${C.iMessageGroup}/participants`,
        path: `/api/partner/v3/chats/${C.iMessageGroup}/participants`,
        chatId: C.iMessageGroup,
        text: JSON.stringify({ handle: H.newcomer }),
        json: { handle: H.newcomer }
      })
      expect(first?.headers["content-type"]).toBe("application/json")
      expect(first?.headers["x-request-id"]).toBe("r-1")
      expect(first?.fault).toBeUndefined()
      expect(second?.json).toEqual({ handle: H.alice })
      expect(third?.text).toBe("")
      expect(third && "json" in third).toBe(false)
      expect(fourth?.text).toBe("not json")
      expect(fourth && "json" in fourth).toBe(false)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("at: when each request arrived, on the fake's clock", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* send("GET", chatPath(C.iMessageGroup))
      yield* TestClock.adjust("250 millis")
      yield* send("POST", participantsPath(C.iMessageGroup), { json: { handle: H.newcomer } })
      yield* send("GET", chatPath(C.iMessageGroup))
      yield* TestClock.adjust("1 second")
      yield* send("DELETE", participantsPath(C.smallGroup), { json: { handle: H.alice } })
      expect((yield* fake.journal).map((e) => e.at)).toEqual([0, 250, 250, 1250])
    }).pipe(Effect.provide(FakeLinq.layer(undefined, { queueDelay: 0 })))
  )

  it.effect("the Authorization value is redacted: never the token", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* send("GET", chatPath(C.iMessageGroup))
      yield* send("GET", chatPath(C.iMessageGroup), { authorization: `Token ${TOKEN}` })
      yield* send("GET", chatPath(C.iMessageGroup), { authorization: TOKEN })
      yield* send("GET", chatPath(C.iMessageGroup), { headers: { "x-api-key": TOKEN, cookie: `s=${TOKEN}` } })
      const journal = yield* fake.journal
      expect(journal.map((e) => e.headers.authorization)).toEqual([
        "Bearer <redacted>",
        "Token <redacted>",
        "<redacted>",
        "Bearer <redacted>"
      ])
      expect(journal[3]?.headers["x-api-key"]).toBe("<redacted>")
      expect(journal[3]?.headers.cookie).toBe("<redacted>")
      expect(JSON.stringify(journal)).not.toContain(TOKEN)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it("redactHeaders lower-cases names", () => {
    expect(redactHeaders({ Authorization: "Bearer abc", "X-Other": "v" })).toEqual({
      authorization: "Bearer <redacted>",
      "x-other": "v"
    })
  })

  it.effect("records the fault that answered a request", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const fault = Fault.status(429, { retryAfter: "2" })
      yield* fake.inject(fault)
      yield* send("GET", chatPath(C.iMessageGroup))
      const [entry] = yield* fake.journal
      expect(entry?.fault).toEqual(fault)
      expect(entry?.outcome).toEqual({ _tag: "Responded", status: 429 })
      expect(Fault.describe(fault)).toBe("status 429")
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("the journal's trace ids are the answers' trace ids", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const answer = yield* send("POST", participantsPath(C.iMessageGroup), { json: { handle: H.newcomer } })
      const [entry] = yield* fake.journal
      expect(entry?.traceId).toBe((answer.json as { trace_id: string }).trace_id)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("clearJournal empties it; numbering continues", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* send("GET", chatPath(C.iMessageGroup))
      yield* send("GET", chatPath(C.iMessageGroup))
      yield* fake.clearJournal
      expect(yield* fake.journal).toEqual([])
      yield* send("GET", "/v3/nowhere")
      const journal = yield* fake.journal
      expect(journal.map((e) => [e.seq, e.route])).toEqual([[3, "unknown"]])
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("journalLimit keeps the most recent entries", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      for (let i = 0; i < 250; i++) yield* send("GET", chatPath(C.iMessageGroup))
      const journal = yield* fake.journal
      expect(journal.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 241 + i))
      expect(journal.every((e) => e.outcome._tag === "Responded")).toBe(true)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { journalLimit: 10 })))
  )
})
