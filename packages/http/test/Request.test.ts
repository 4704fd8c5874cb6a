import { describe, expect, it } from "@effect/vitest"
import { Chat, ParticipantRemoveResponse } from "@linq-effect/core"
import { Effect, Layer, Redacted, Schema } from "effect"
import { HttpClientRequest } from "effect/http"
import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import { DEFAULT_BASE_URL, LinqHttpClient, USER_AGENT } from "../src/index.js"
import * as RecordingHttpClient from "./RecordingHttpClient.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import { API_KEY, addCall, BASE_URL, CHAT_ID, HANDLE, linqLayer } from "./testkit.js"

const packageVersion: string = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8")
).version

const PATH = `/v3/chats/${CHAT_ID}/participants`

describe("LinqHttpClient request shape", () => {
  it.effect("a POST carries bearer auth, Accept, User-Agent and a JSON {handle} body", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      const response = yield* client.execute(addCall())
      expect(response).toStrictEqual({
        message: "Participant addition queued",
        status: "accepted",
        trace_id: "trace-ok"
      })
      expect(yield* recorder.count).toBe(1)
      const request = yield* recorder.request(0)
      expect(request.method).toBe("POST")
      expect(request.url.toString()).toBe(`${BASE_URL}${PATH}`)
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`)
      expect(request.headers.accept).toBe("application/json")
      expect(request.headers["user-agent"]).toBe(USER_AGENT)
      // The version it names is the package's own (it was left at 0.1.0 when the package moved on).
      expect(request.headers["user-agent"]).toBe(`linq-effect/${packageVersion}`)
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.bodyTag).toBe("Uint8Array")
      expect(request.bodyText).toBe(`{"handle":"${HANDLE}"}`)
      expect(request.body).toStrictEqual({ handle: HANDLE })
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )

  it.effect(
    "urlParams become the query string (percent-encoded, undefined ones left out), the path stays the template",
    () =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        yield* client.execute({
          method: "GET",
          path: "/v3/chats",
          urlParams: { to: "+12025550102", from: undefined, limit: "100", cursor: "a b&c" },
          response: Schema.Struct({ chats: Schema.Array(Schema.Unknown) })
        })
        const request = yield* recorder.request(0)
        expect(request.url.pathname).toBe(new URL(`${BASE_URL}/v3/chats`).pathname)
        expect(request.url.search).toBe("?to=%2B12025550102&limit=100&cursor=a+b%26c")
        expect([...request.url.searchParams]).toEqual([
          ["to", "+12025550102"],
          ["limit", "100"],
          ["cursor", "a b&c"]
        ])
      }).pipe(Effect.provide(linqLayer([Answer.json(200, { chats: [] })])))
  )

  it.effect("a DELETE carries its JSON body", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      const response = yield* client.execute({
        method: "DELETE",
        path: "/v3/chats/{chatId}/participants",
        params: { chatId: CHAT_ID },
        body: { handle: "someone@example.com" },
        response: ParticipantRemoveResponse
      })
      expect(response).toStrictEqual({ message: "Participant removal queued", status: "accepted" })
      const request = yield* recorder.request(0)
      expect(request.method).toBe("DELETE")
      expect(request.url.toString()).toBe(`${BASE_URL}${PATH}`)
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.body).toStrictEqual({ handle: "someone@example.com" })
    }).pipe(
      Effect.provide(
        linqLayer([Answer.json(202, { message: "Participant removal queued", status: "accepted" })])
      )
    )
  )

  it.effect("a request without a body sends no body and no content-type", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      const chat = yield* client.execute({
        method: "GET",
        path: "/v3/chats/{chatId}",
        params: { chatId: CHAT_ID },
        response: Chat
      })
      expect(chat.id).toBe(CHAT_ID)
      const request = yield* recorder.request(0)
      expect(request.method).toBe("GET")
      expect(request.url.toString()).toBe(`${BASE_URL}/v3/chats/${CHAT_ID}`)
      expect(request.bodyTag).toBe("Empty")
      expect(request.bodyText).toBeUndefined()
      expect(request.headers["content-type"]).toBeUndefined()
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`)
    }).pipe(
      Effect.provide(
        linqLayer([
          Answer.json(200, {
            id: CHAT_ID,
            display_name: null,
            service: "iMessage",
            handles: [],
            is_group: true,
            is_archived: false,
            created_at: "2024-01-01T00:00:00Z",
            updated_at: "2024-01-01T00:00:00Z"
          })
        ])
      )
    )
  )

  describe("base URL joining", () => {
    const cases: ReadonlyArray<{
      readonly name: string
      readonly baseUrl: string | URL
      readonly url: string
    }> = [
      { name: "no trailing slash", baseUrl: BASE_URL, url: `${BASE_URL}${PATH}` },
      { name: "a trailing slash", baseUrl: `${BASE_URL}/`, url: `${BASE_URL}${PATH}` },
      { name: "several trailing slashes", baseUrl: `${BASE_URL}///`, url: `${BASE_URL}${PATH}` },
      {
        name: "a bare origin",
        baseUrl: "https://proxy.example.com",
        url: `https://proxy.example.com${PATH}`
      },
      {
        name: "a bare origin with a slash",
        baseUrl: "https://proxy.example.com/",
        url: `https://proxy.example.com${PATH}`
      },
      {
        name: "a URL object with a port",
        baseUrl: new URL("https://proxy.example.com:8443/linq/"),
        url: `https://proxy.example.com:8443/linq${PATH}`
      },
      {
        name: "a query and fragment, dropped",
        baseUrl: "https://proxy.example.com/linq?token=1#x",
        url: `https://proxy.example.com/linq${PATH}`
      },
      { name: "loopback http", baseUrl: "http://127.0.0.1:8787/api", url: `http://127.0.0.1:8787/api${PATH}` }
    ]
    it.effect.each(cases)("$name", ({ baseUrl, url }) =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        yield* client.execute(addCall())
        expect((yield* recorder.request(0)).url.toString()).toBe(url)
        expect(client.baseUrl.endsWith("/")).toBe(false)
        expect(url.startsWith(client.baseUrl)).toBe(true)
      }).pipe(Effect.provide(linqLayer([Answer.accepted()], { baseUrl })))
    )

    it.effect("defaults to the production base URL", () =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        yield* client.execute(addCall())
        expect(client.baseUrl).toBe("https://api.linqapp.com/api/partner")
        expect(DEFAULT_BASE_URL).toBe("https://api.linqapp.com/api/partner")
        expect((yield* recorder.request(0)).url.toString()).toBe(`https://api.linqapp.com/api/partner${PATH}`)
      }).pipe(
        Effect.provide(
          LinqHttpClient.layer({ apiKey: API_KEY }).pipe(
            Layer.provideMerge(RecordingHttpClient.layer([Answer.accepted()]))
          )
        )
      )
    )
  })

  describe("path parameters", () => {
    it.effect("are percent-encoded as one segment", () =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        const chatId = "chat:1@x&y=z+w;v,u$ünï😀/../?q#f%2F"
        yield* client.execute(addCall({ params: { chatId } }))
        const url = (yield* recorder.request(0)).url
        expect(url.search).toBe("")
        expect(url.hash).toBe("")
        const segments = url.pathname.split("/")
        expect(segments.slice(0, 4)).toStrictEqual(["", "api", "partner", "v3"])
        expect(segments).toHaveLength(7)
        expect(segments[4]).toBe("chats")
        expect(segments[6]).toBe("participants")
        expect(decodeURIComponent(segments[5]!)).toBe(chatId)
      }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
    )

    // fast-check, not a Schema: any string of code units, lone surrogates included.
    it("any non-dot value stays one segment and decodes back to itself", () =>
      fc.assert(
        fc.asyncProperty(
          fc.string({ minLength: 1, maxLength: 40, unit: "binary" }).filter((s) => s !== "." && s !== ".."),
          (chatId) =>
            Effect.runPromise(
              Effect.gen(function* () {
                const client = yield* LinqHttpClient
                const recorder = yield* Recorder
                yield* client.execute(addCall({ params: { chatId } }))
                const url = (yield* recorder.request(0)).url
                const segments = url.pathname.split("/")
                expect(segments).toHaveLength(7)
                expect(segments[6]).toBe("participants")
                expect(url.search).toBe("")
                expect(url.hash).toBe("")
                // Lone surrogates cannot be encoded; they are sent as U+FFFD.
                expect(decodeURIComponent(segments[5]!)).toBe(chatId.replace(/[\uD800-\uDFFF]/gu, "\uFFFD"))
              }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
            )
        ),
        { numRuns: 200 }
      ))

    it.effect.each([".", "..", ""])("the value %j is refused and nothing is sent", (chatId) =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        const exit = yield* Effect.exit(client.execute(addCall({ params: { chatId } })))
        expect(exit._tag).toBe("Failure")
        expect(String(exit)).toMatch(/path parameter/)
        expect(yield* recorder.count).toBe(0)
      }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
    )
  })

  describe("headers", () => {
    it.effect("custom headers are sent but cannot replace Authorization or Accept", () =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        yield* client.execute(addCall())
        const headers = (yield* recorder.request(0)).headers
        expect(headers["x-request-source"]).toBe("billing-service")
        expect(headers.authorization).toBe(`Bearer ${API_KEY}`)
        expect(headers.accept).toBe("application/json")
        expect(Object.values(headers).join("\n")).not.toContain("evil")
      }).pipe(
        Effect.provide(
          linqLayer([Answer.accepted()], {
            headers: {
              "X-Request-Source": "billing-service",
              Authorization: "Bearer evil-1",
              authorization: "Bearer evil-2",
              AUTHORIZATION: "Bearer evil-3",
              Accept: "text/evil"
            }
          })
        )
      )
    )

    it.effect("a Redacted key is sent as the bearer token", () =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        yield* client.execute(addCall())
        expect((yield* recorder.request(0)).headers.authorization).toBe("Bearer redacted-key-123")
      }).pipe(Effect.provide(linqLayer([Answer.accepted()], { apiKey: Redacted.make("redacted-key-123") })))
    )

    it.effect("the exposed httpClient applies the base URL and headers", () =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        const response = yield* client.httpClient.execute(HttpClientRequest.get("/v3/chats/abc"))
        expect(response.status).toBe(202)
        const request = yield* recorder.request(0)
        expect(request.url.toString()).toBe(`${BASE_URL}/v3/chats/abc`)
        expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`)
        expect(request.headers.accept).toBe("application/json")
        expect(request.headers["user-agent"]).toBe(USER_AGENT)
      }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
    )
  })
})
