import { FetchHttpClient, type HttpClient } from "effect/http"
import type { HttpClientError } from "effect/http"
import { NodeHttpClient } from "@effect/platform-node"
import { Chat, GroupChatRules } from "@linq-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Layer, Option, Schedule, Schema, Scope } from "effect"
import { DefaultChats, DefaultHandles, FakeLinq, FakeLinqServer, Fault } from "../src/index.js"
import type { ServedFakeLinq } from "../src/index.js"
import { chatPath, envelope, participantsPath, send } from "./helpers.js"
import type { Answer, SendOptions } from "./helpers.js"

const C = DefaultChats
const H = DefaultHandles

const clients = [
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["FetchHttpClient.layer", FetchHttpClient.layer]
] as const

/** Waits (for real) until the server has no open connection, failing after ~10 s (Node 24's fetch keeps a socket it opened for an aborted request for its 4 s keep-alive). */
const noOpenConnections = (fake: ServedFakeLinq) =>
  fake.openConnections.pipe(
    Effect.filterOrFail(
      (n) => n === 0,
      (n) => new Error(`${n} open connections`)
    ),
    Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo({ times: 500 })))
  )

describe("FakeLinq.serve", () => {
  it.live("listens on 127.0.0.1, on a free port; baseUrl includes /api/partner", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq.serve()
      expect(fake.port).toBeGreaterThan(0)
      expect(fake.origin).toBe(`http://127.0.0.1:${fake.port}`)
      expect(fake.baseUrl).toBe(`http://127.0.0.1:${fake.port}/api/partner`)
      expect(yield* fake.openConnections).toBe(0)
    })
  )

  for (const [name, clientLayer] of clients) {
    describe(`over real HTTP with ${name}`, () => {
      const call = (
        fake: ServedFakeLinq,
        method: "GET" | "POST" | "DELETE",
        path: string,
        options?: SendOptions
      ) => send(method, path, { ...options, baseUrl: fake.baseUrl }).pipe(Effect.provide(clientLayer))

      it.live("each route, and its state change", () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq.serve(FakeLinq.defaultSeed, { queueDelay: 0 })
          const add = yield* call(fake, "POST", participantsPath(C.iMessageGroup), {
            json: { handle: H.newcomer }
          })
          expect([add.status, add.json]).toEqual([
            202,
            { message: "Participant addition queued", status: "accepted", trace_id: expect.any(String) }
          ])
          const remove = yield* call(fake, "DELETE", participantsPath(C.iMessageGroup), {
            json: { handle: H.alice }
          })
          expect([remove.status, remove.json]).toEqual([
            202,
            { message: "Participant removal queued", status: "accepted", trace_id: expect.any(String) }
          ])
          const get = yield* call(fake, "GET", chatPath(C.iMessageGroup))
          expect(get.status).toBe(200)
          const chat = Schema.decodeUnknownSync(Chat)(get.json)
          expect(GroupChatRules.activeParticipants(chat).map((h) => h.handle)).toEqual([
            H.bob,
            H.carol,
            H.dave,
            H.newcomer
          ])
          const rcs = yield* call(fake, "POST", "/v3/capability/check_rcs", {
            json: { address: H.iMessageCapable }
          })
          expect(rcs.json).toEqual({ address: H.iMessageCapable, available: false })
          const refused = yield* call(fake, "DELETE", participantsPath(C.smallGroup), {
            json: { handle: H.bob }
          })
          expect([refused.status, refused.json]).toEqual([
            400,
            envelope(400, 1005, "Group chats must have at least 3 participants")
          ])
          const journal = yield* fake.journal
          expect(journal.map((e) => [e.method, e.route, e.outcome])).toEqual([
            ["POST", "add", { _tag: "Responded", status: 202 }],
            ["DELETE", "remove", { _tag: "Responded", status: 202 }],
            ["GET", "getChat", { _tag: "Responded", status: 200 }],
            ["POST", "checkRcs", { _tag: "Responded", status: 200 }],
            ["DELETE", "remove", { _tag: "Responded", status: 400 }]
          ])
          expect(journal[1]?.json).toEqual({ handle: H.alice })
          expect(journal[1]?.url).toBe(`${fake.baseUrl}${participantsPath(C.iMessageGroup)}`)
          expect(journal[1]?.headers.authorization).toBe("Bearer <redacted>")
          expect(journal[1]?.headers["content-type"]).toBe("application/json")
        })
      )

      it.live("percent-encoded chat ids and auth", () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq.serve(FakeLinq.defaultSeed, { apiKey: "server-key" })
          yield* fake.putChat({ id: "a b/c", service: "SMS", handles: [H.alice, H.bob, H.carol] })
          const ok = yield* call(fake, "GET", chatPath("a b/c"), { token: "server-key" })
          expect([ok.status, (ok.json as { id: string }).id]).toEqual([200, "a b/c"])
          const denied = yield* call(fake, "GET", chatPath("a b/c"), { token: "wrong" })
          expect([denied.status, denied.json]).toEqual([401, envelope(401, 2004, "Invalid API key")])
        })
      )

      it.live("status faults with retry headers, and malformed bodies", () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq.serve()
          yield* fake.inject(Fault.status(429, { retryAfter: "2", retryAfterMs: 1500, shouldRetry: true }))
          yield* fake.inject(Fault.html(502))
          yield* fake.inject(Fault.truncatedJson())
          yield* fake.inject(Fault.status(503, { body: "" }))
          yield* fake.inject(Fault.hugeBody(202, 2_000_000))
          const get = () => call(fake, "GET", chatPath(C.iMessageGroup))
          const limited = yield* get()
          expect(limited.status).toBe(429)
          expect([
            limited.headers["retry-after"],
            limited.headers["retry-after-ms"],
            limited.headers["x-should-retry"]
          ]).toEqual(["2", "1500", "true"])
          expect(limited.json).toEqual(envelope(429, 1007, "Rate limit exceeded"))
          const html = yield* get()
          expect([html.status, html.headers["content-type"]]).toEqual([502, "text/html"])
          const truncated = yield* get()
          expect([truncated.status, truncated.json]).toEqual([202, undefined])
          const empty = yield* get()
          expect([empty.status, empty.text]).toEqual([503, ""])
          const huge = yield* get()
          expect(huge.text.length).toBe(2_000_000)
        })
      )

      it.live("a delay, for real", () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq.serve()
          yield* fake.inject(Fault.delay("150 millis"))
          const [elapsed, answer] = yield* Effect.timed(call(fake, "GET", chatPath(C.iMessageGroup)))
          expect(answer.status).toBe(200)
          expect(Duration.toMillis(elapsed)).toBeGreaterThanOrEqual(140)
        })
      )

      it.live("disconnect destroys the socket: the client fails with a transport error", () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq.serve(FakeLinq.defaultSeed, { queueDelay: 0 })
          yield* fake.inject(Fault.disconnect)
          const error: HttpClientError.HttpClientError = yield* Effect.flip(
            call(fake, "POST", participantsPath(C.iMessageGroup), { json: { handle: H.newcomer } })
          )
          expect([error._tag, error.reason._tag]).toEqual(["HttpClientError", "TransportError"])
          expect(error.reason._tag).toBe("TransportError")
          expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.newcomer)
          expect((yield* fake.journal)[0]?.outcome).toEqual({ _tag: "Disconnected" })
          yield* noOpenConnections(fake)
          // and the server still answers
          expect((yield* call(fake, "GET", chatPath(C.iMessageGroup))).status).toBe(200)
        })
      )

      it.live("interrupting a hanging request leaves no open connection", () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq.serve()
          yield* fake.inject(Fault.hang)
          const fiber = yield* Effect.forkChild(call(fake, "GET", chatPath(C.iMessageGroup)))
          // wait until the server has the request
          yield* fake.journal.pipe(
            Effect.filterOrFail((j) => j.length === 1),
            Effect.retry(Schedule.spaced("10 millis").pipe(Schedule.upTo({ times: 500 })))
          )
          expect(yield* fake.openConnections).toBe(1)
          yield* Fiber.interrupt(fiber)
          const exit = yield* Fiber.await(fiber)
          expect(Exit.hasInterrupts(exit)).toBe(true)
          yield* noOpenConnections(fake)
          // the server side of the request was interrupted too
          const outcome = yield* fake.journal.pipe(
            Effect.map((j) => j[0]?.outcome._tag),
            Effect.filterOrFail((tag) => tag === "Interrupted"),
            Effect.retry(Schedule.spaced("10 millis").pipe(Schedule.upTo({ times: 200 })))
          )
          expect(outcome).toBe("Interrupted")
        })
      )

      it.live("a client timeout on a hang leaves no open connection", () =>
        Effect.gen(function* () {
          const fake = yield* FakeLinq.serve()
          yield* fake.inject(Fault.hang, { times: "always" })
          const results = yield* Effect.all(
            Array.from({ length: 5 }, () =>
              Effect.timeoutOption(call(fake, "GET", chatPath(C.iMessageGroup)), "100 millis")
            ),
            { concurrency: "unbounded" }
          )
          expect(results.every(Option.isNone)).toBe(true)
          yield* noOpenConnections(fake)
        })
      )
    })
  }

  it.live("closing the scope closes the server and every connection", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const fake = yield* FakeLinq.serve().pipe(Scope.provide(scope))
      // a keep-alive connection from undici stays open after the answer
      const client = yield* Layer.build(NodeHttpClient.layerUndici).pipe(Effect.map((ctx) => ctx))
      const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) => Effect.provide(effect, client)
      const answer: Answer = yield* run(send("GET", chatPath(C.iMessageGroup), { baseUrl: fake.baseUrl }))
      expect(answer.status).toBe(200)
      expect(yield* fake.openConnections).toBe(1)
      // a hanging request is in flight when the scope closes
      yield* fake.inject(Fault.hang)
      const hanging = yield* Effect.forkChild(
        run(send("GET", chatPath(C.iMessageGroup), { baseUrl: fake.baseUrl }))
      )
      yield* fake.journal.pipe(
        Effect.filterOrFail((j) => j.length === 2),
        Effect.retry(Schedule.spaced("10 millis").pipe(Schedule.upTo({ times: 500 })))
      )
      yield* Scope.close(scope, Exit.void)
      expect(yield* fake.openConnections).toBe(0)
      const error = yield* Effect.flip(Fiber.join(hanging))
      expect([error._tag, error.reason._tag]).toEqual(["HttpClientError", "TransportError"])
      const refused = yield* Effect.flip(
        run(send("GET", chatPath(C.iMessageGroup), { baseUrl: fake.baseUrl }))
      )
      expect([refused._tag, refused.reason._tag]).toEqual(["HttpClientError", "TransportError"])
    })
  )

  it.live("two servers side by side, each with its own state", () =>
    Effect.gen(function* () {
      const a = yield* FakeLinq.serve(FakeLinq.defaultSeed, { queueDelay: 0 })
      const b = yield* FakeLinq.serve(FakeLinq.defaultSeed, { queueDelay: 0 })
      expect(a.port).not.toBe(b.port)
      yield* send("DELETE", participantsPath(C.iMessageGroup), {
        baseUrl: a.baseUrl,
        json: { handle: H.alice }
      }).pipe(Effect.provide(FetchHttpClient.layer))
      expect(yield* a.participants(C.iMessageGroup)).not.toContain(H.alice)
      expect(yield* b.participants(C.iMessageGroup)).toContain(H.alice)
    })
  )
})

describe("FakeLinq.layerServer", () => {
  it.live("provides FakeLinq and FakeLinqServer, the same fake", () =>
    Effect.gen(function* () {
      const server = yield* FakeLinqServer
      const fake = yield* FakeLinq
      expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/partner$/)
      const answer = yield* send("POST", participantsPath(C.rcsGroup), {
        baseUrl: server.baseUrl,
        json: { handle: H.newcomer }
      })
      expect(answer.status).toBe(202)
      expect(yield* fake.participants(C.rcsGroup)).toContain(H.newcomer)
      expect((yield* server.journal).length).toBe(1)
    }).pipe(
      Effect.provide(
        Layer.merge(FakeLinq.layerServer(FakeLinq.defaultSeed, { queueDelay: 0 }), NodeHttpClient.layerUndici)
      )
    )
  )
})
