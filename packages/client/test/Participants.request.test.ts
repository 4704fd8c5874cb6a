import { describe, expect, it } from "@effect/vitest"
import type { AddParticipantError, RemoveParticipantError } from "@linq-effect/core"
import { ChatId, InvalidChatId, InvalidHandle, parseChatId, parseHandle } from "@linq-effect/core"
import type { LinqHttpClient } from "@linq-effect/http"
import { USER_AGENT } from "@linq-effect/http"
import { Effect, Schema } from "effect"
import * as fc from "fast-check"
import { Answer, Recorder } from "../../http/test/RecordingHttpClient.js"
import { API_KEY, BASE_URL, CHAT_ID, HANDLE, linqLayer } from "../../http/test/testkit.js"
import { addParticipant, PARTICIPANTS_PATH, removeParticipant } from "../src/index.js"

const URL_OF = `${BASE_URL}/v3/chats/${CHAT_ID}/participants`
const removed = Answer.json(202, {
  message: "Participant removal queued",
  status: "accepted",
  trace_id: "trace-rm"
})

describe("addParticipant request", () => {
  it.effect("POSTs {handle} as JSON to the chat's participants, with auth and headers", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const response = yield* addParticipant(CHAT_ID, { handle: HANDLE })
      expect(response).toStrictEqual({
        message: "Participant addition queued",
        status: "accepted",
        trace_id: "trace-ok"
      })
      expect(yield* recorder.count).toBe(1)
      const request = yield* recorder.request(0)
      expect(request.method).toBe("POST")
      expect(request.url.toString()).toBe(URL_OF)
      expect(PARTICIPANTS_PATH).toBe("/v3/chats/{chatId}/participants")
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`)
      expect(request.headers.accept).toBe("application/json")
      expect(request.headers["user-agent"]).toBe(USER_AGENT)
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.bodyText).toBe(JSON.stringify({ handle: HANDLE }))
      expect(request.body).toStrictEqual({ handle: HANDLE })
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )

  it.effect("sends an email handle as given", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      yield* addParticipant(CHAT_ID, { handle: "First.Last+tag@example.co.uk" })
      expect((yield* recorder.request(0)).body).toStrictEqual({ handle: "First.Last+tag@example.co.uk" })
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )

  it.effect("accepts the branded types", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const chatId = yield* parseChatId(CHAT_ID)
      const handle = yield* parseHandle("+442071234567")
      yield* addParticipant(chatId, { handle })
      const request = yield* recorder.request(0)
      expect(request.url.toString()).toBe(URL_OF)
      expect(request.body).toStrictEqual({ handle: "+442071234567" })
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )
})

describe("removeParticipant request", () => {
  it.effect("DELETEs with a JSON {handle} body", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const response = yield* removeParticipant(CHAT_ID, { handle: HANDLE })
      expect(response).toStrictEqual({
        message: "Participant removal queued",
        status: "accepted",
        trace_id: "trace-rm"
      })
      const request = yield* recorder.request(0)
      expect(request.method).toBe("DELETE")
      expect(request.url.toString()).toBe(URL_OF)
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`)
      expect(request.headers.accept).toBe("application/json")
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.bodyTag).toBe("Uint8Array")
      expect(request.body).toStrictEqual({ handle: HANDLE })
    }).pipe(Effect.provide(linqLayer([removed])))
  )
})

describe("chat ids in the URL", () => {
  it.effect("are percent-encoded as one segment", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const chatId = "chat:1@x&y=z+w;v,u$ünï😀[]"
      yield* addParticipant(chatId, { handle: HANDLE })
      const url = (yield* recorder.request(0)).url
      expect(url.pathname).toBe(
        "/api/partner/v3/chats/chat%3A1%40x%26y%3Dz%2Bw%3Bv%2Cu%24%C3%BCn%C3%AF%F0%9F%98%80%5B%5D/participants"
      )
      expect(decodeURIComponent(url.pathname.split("/")[5]!)).toBe(chatId)
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )

  const isChatId = Schema.is(ChatId)
  // Any text the ChatId schema accepts (its own arbitrary gives only UUIDs), so fast-check, not it.effect.prop.
  it("every valid chat id is one segment that decodes back to itself", () =>
    fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 60, unit: "grapheme" }).filter(isChatId),
        (chatId) =>
          Effect.runPromise(
            Effect.gen(function* () {
              const recorder = yield* Recorder
              yield* removeParticipant(chatId, { handle: HANDLE })
              const url = (yield* recorder.request(0)).url
              const segments = url.pathname.split("/")
              expect(segments).toHaveLength(7)
              expect(segments.slice(0, 5)).toStrictEqual(["", "api", "partner", "v3", "chats"])
              expect(segments[6]).toBe("participants")
              expect(decodeURIComponent(segments[5]!)).toBe(chatId)
              expect(url.search).toBe("")
              expect(url.hash).toBe("")
            }).pipe(Effect.provide(linqLayer([removed])))
          )
      ),
      { numRuns: 150 }
    ))
})

describe("invalid input is refused before anything is sent", () => {
  const badHandles = [
    "",
    "12052499136",
    "+0123456",
    "+1 205 249 9136",
    "+1-205-249-9136",
    "+1234567890123456",
    "user@",
    "user@localhost",
    "two@@example.com",
    " +12052499136",
    "user @example.com"
  ]
  type Operation = (
    chatId: string,
    params: { readonly handle: string }
  ) => Effect.Effect<unknown, AddParticipantError | RemoveParticipantError, LinqHttpClient>
  const operations: ReadonlyArray<readonly [string, Operation]> = [
    ["addParticipant", addParticipant],
    ["removeParticipant", removeParticipant]
  ]
  for (const [name, op] of operations) {
    it.effect.each(badHandles)(`${name}: handle %j is InvalidHandle`, (handle) =>
      Effect.gen(function* () {
        const recorder = yield* Recorder
        const error = yield* Effect.flip(op(CHAT_ID, { handle }))
        expect(error).toBeInstanceOf(InvalidHandle)
        if (!(error instanceof InvalidHandle)) return
        expect(error.input).toBe(handle)
        expect(error.reason.length).toBeGreaterThan(5)
        expect(yield* recorder.count).toBe(0)
      }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
    )

    it.effect.each([
      "",
      ".",
      "..",
      "a/b",
      "a?b",
      "a#b",
      "a%2Fb",
      "a b",
      "a\\b",
      "tab\there",
      "x".repeat(257)
    ])(`${name}: chat id %j is InvalidChatId`, (chatId) =>
      Effect.gen(function* () {
        const recorder = yield* Recorder
        const error = yield* Effect.flip(op(chatId, { handle: HANDLE }))
        expect(error).toBeInstanceOf(InvalidChatId)
        if (!(error instanceof InvalidChatId)) return
        expect(error.input).toBe(chatId)
        expect(yield* recorder.count).toBe(0)
      }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
    )

    it.effect(`${name}: with both invalid, the chat id is reported`, () =>
      Effect.gen(function* () {
        const recorder = yield* Recorder
        const error = yield* Effect.flip(op("a/b", { handle: "nope" }))
        expect(error._tag).toBe("InvalidChatId")
        expect(yield* recorder.count).toBe(0)
      }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
    )
  }
})

const decodeBody = Schema.decodeUnknownSync(Schema.Struct({ handle: Schema.String }))

it.layer(
  linqLayer((request) =>
    request.method === "DELETE"
      ? Answer.json(202, { message: "Participant removal queued", status: "accepted" })
      : Answer.accepted()
  )
)("one client layer serves many calls", (it) => {
  it.effect("an add then a remove, each its own request", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const before = yield* recorder.count
      expect((yield* addParticipant(CHAT_ID, { handle: HANDLE })).message).toBe("Participant addition queued")
      expect((yield* removeParticipant(CHAT_ID, { handle: HANDLE })).message).toBe(
        "Participant removal queued"
      )
      const requests = (yield* recorder.requests).slice(before)
      expect(requests.map((r) => r.method)).toStrictEqual(["POST", "DELETE"])
    })
  )

  it.effect("concurrent calls send one request each, with their own handle", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const before = yield* recorder.count
      const handles = Array.from({ length: 25 }, (_, i) => `+1205249${String(i).padStart(4, "0")}`)
      const results = yield* Effect.forEach(handles, (handle) => addParticipant(CHAT_ID, { handle }), {
        concurrency: "unbounded"
      })
      expect(results.every((r) => r.status === "accepted")).toBe(true)
      const sent = (yield* recorder.requests).slice(before).map((r) => decodeBody(r.body).handle)
      expect([...sent].sort()).toStrictEqual([...handles].sort())
    })
  )
})
