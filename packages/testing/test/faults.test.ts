import { describe, expect, it } from "@effect/vitest"
import { Cause, Duration, Effect, Exit, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { DefaultChats, DefaultHandles, FakeLinq, Fault } from "../src/index.js"
import { chatPath, envelope, participantsPath, send } from "./helpers.js"

const C = DefaultChats
const H = DefaultHandles

const add = (handle: string = H.newcomer) =>
  send("POST", participantsPath(C.iMessageGroup), { json: { handle } })
const getChat = send("GET", chatPath(C.iMessageGroup))

describe("Fault.status", () => {
  it.effect("answers the status with the usual envelope, instead of handling the request", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(429, { retryAfter: "2" }))
      const answer = yield* add()
      expect(answer.status).toBe(429)
      expect(answer.headers["retry-after"]).toBe("2")
      expect(answer.json).toEqual(envelope(429, 1007, "Rate limit exceeded"))
      expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.newcomer)
      // the next request is answered normally
      expect((yield* add()).status).toBe(202)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("Retry-After as seconds or an HTTP date; retry-after-ms; x-should-retry", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      const date = new Date("2030-01-01T00:00:05.000Z")
      yield* fake.inject(Fault.status(503, { retryAfter: 3 }))
      yield* fake.inject(Fault.status(429, { retryAfter: date }))
      yield* fake.inject(Fault.status(500, { retryAfterMs: 250, shouldRetry: false }))
      yield* fake.inject(Fault.status(409, { shouldRetry: true }))
      const a = yield* getChat
      const b = yield* getChat
      const c = yield* getChat
      const d = yield* getChat
      expect([a.status, a.headers["retry-after"]]).toEqual([503, "3"])
      expect(a.json).toEqual(envelope(503, 4004, "Service unavailable"))
      expect([b.status, b.headers["retry-after"]]).toEqual([429, "Tue, 01 Jan 2030 00:00:05 GMT"])
      expect([c.status, c.headers["retry-after-ms"], c.headers["x-should-retry"]]).toEqual([
        500,
        "250",
        "false"
      ])
      expect(c.headers["retry-after"]).toBeUndefined()
      expect(c.json).toEqual(envelope(500, 3001, "Internal server error"))
      expect([d.status, d.headers["x-should-retry"]]).toEqual([409, "true"])
      expect(d.json).toEqual(envelope(409, undefined, "Conflict"))
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("code, message, raw and empty bodies, extra headers", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(403, { code: 2006, message: "Phone permission denied" }))
      yield* fake.inject(Fault.status(502, { body: "" }))
      yield* fake.inject(
        Fault.status(400, { body: "bad", contentType: "text/plain", headers: { "x-extra": "1" } })
      )
      const a = yield* getChat
      expect(a.json).toEqual(envelope(403, 2006, "Phone permission denied"))
      const b = yield* getChat
      expect([b.status, b.text, b.headers["content-type"]]).toEqual([502, "", undefined])
      const c = yield* getChat
      expect([c.status, c.text, c.headers["content-type"], c.headers["x-extra"]]).toEqual([
        400,
        "bad",
        "text/plain",
        "1"
      ])
    }).pipe(Effect.provide(FakeLinq.layer()))
  )
})

describe("fault scripting", () => {
  it.effect("for the next N requests", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(503), { times: 2 })
      const statuses = []
      for (let i = 0; i < 4; i++) statuses.push((yield* getChat).status)
      expect(statuses).toEqual([503, 503, 200, 200])
      expect(yield* fake.faults).toEqual([])
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("always, until cleared", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(500), { times: "always" })
      for (let i = 0; i < 5; i++) expect((yield* getChat).status).toBe(500)
      expect(yield* fake.faults).toHaveLength(1)
      yield* fake.clearFaults
      expect((yield* getChat).status).toBe(200)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("per route: add, remove, getChat, capability, any", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(501), { route: "remove", times: "always" })
      yield* fake.inject(Fault.status(502), { route: "add", times: "always" })
      yield* fake.inject(Fault.status(503), { route: "getChat", times: "always" })
      yield* fake.inject(Fault.status(504), { route: "capability", times: "always" })
      const statuses = [
        (yield* send("DELETE", participantsPath(C.iMessageGroup), { json: { handle: H.alice } })).status,
        (yield* add()).status,
        (yield* getChat).status,
        (yield* send("POST", "/v3/capability/check_imessage", { json: { address: H.alice } })).status,
        (yield* send("POST", "/v3/capability/check_rcs", { json: { address: H.alice } })).status,
        (yield* send("GET", "/v3/unknown")).status
      ]
      expect(statuses).toEqual([501, 502, 503, 504, 504, 404])
      yield* fake.inject(Fault.status(418), { route: "any" })
      expect((yield* send("GET", "/v3/unknown")).status).toBe(418)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("faults answer in the order they were injected; times 0 injects nothing", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(500), { times: 0 })
      yield* fake.inject(Fault.status(502))
      yield* fake.inject(Fault.status(503))
      expect([(yield* getChat).status, (yield* getChat).status, (yield* getChat).status]).toEqual([
        502, 503, 200
      ])
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("faults come before auth (as a gateway's would)", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(503))
      expect((yield* send("GET", chatPath(C.iMessageGroup), { token: null })).status).toBe(503)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )
})

describe("Fault.delay / Fault.hang / Fault.disconnect (in-process)", () => {
  it.effect("delay: waits on the Clock, then answers normally", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.delay("2 seconds"))
      const fiber = yield* Effect.forkChild(add())
      yield* TestClock.adjust("1999 millis")
      expect(fiber.pollUnsafe() === undefined).toBe(true)
      expect((yield* fake.journal)[0]?.outcome).toEqual({ _tag: "Pending" })
      expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.newcomer)
      yield* TestClock.adjust("1 millis")
      const answer = yield* Fiber.join(fiber)
      expect(answer.status).toBe(202)
      expect(yield* fake.participants(C.iMessageGroup)).toContain(H.newcomer)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )

  it.effect("delay, then another fault", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.delay("500 millis", Fault.status(503)))
      const fiber = yield* Effect.forkChild(getChat)
      yield* TestClock.adjust("500 millis")
      expect((yield* Fiber.join(fiber)).status).toBe(503)
      expect(Fault.describe(Fault.delay("500 millis", Fault.status(503)))).toBe("delay 500ms then status 503")
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("a client timeout interrupts a delay; nothing changes", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.delay("10 seconds"))
      const fiber = yield* Effect.forkChild(Effect.timeout(add(), "1 second"))
      yield* TestClock.adjust("1 second")
      const exit = yield* Fiber.await(fiber)
      expect(Exit.isFailure(exit) && exit.cause.reasons.length).toBe(1)
      expect(Exit.isFailure(exit) && Option.getOrUndefined(Cause.findErrorOption(exit.cause))?._tag).toBe(
        "TimeoutError"
      )
      yield* TestClock.adjust("20 seconds")
      expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.newcomer)
      expect((yield* fake.journal)[0]?.outcome).toEqual({ _tag: "Interrupted" })
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("hang: never answers, and is interruptible", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.hang)
      const fiber = yield* Effect.forkChild(add())
      yield* TestClock.adjust(Duration.days(365))
      expect(fiber.pollUnsafe() === undefined).toBe(true)
      const entry = (yield* fake.journal)[0]
      expect(entry?.fault).toEqual(Fault.hang)
      expect(entry?.outcome).toEqual({ _tag: "Pending" })
      yield* Fiber.interrupt(fiber)
      const exit = yield* Fiber.await(fiber)
      expect(Exit.hasInterrupts(exit)).toBe(true)
      expect((yield* fake.journal)[0]?.outcome).toEqual({ _tag: "Interrupted" })
      // the fake still answers
      expect((yield* add()).status).toBe(202)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.live("hang with a real timeout", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.hang)
      const result = yield* Effect.timeoutOption(getChat, "50 millis")
      expect(Option.isNone(result)).toBe(true)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("disconnect: HttpClientError, reason TransportError; nothing changes", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.disconnect, { route: "add" })
      const error = yield* Effect.flip(add())
      expect([error._tag, error.reason._tag]).toEqual(["HttpClientError", "TransportError"])
      expect(error.reason._tag).toBe("TransportError")
      expect(error.message).toContain("FakeLinq dropped the connection")
      expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.newcomer)
      expect((yield* fake.journal)[0]?.outcome).toEqual({ _tag: "Disconnected" })
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )
})

describe("Fault.answerLost (in-process)", () => {
  it.effect("the add or remove is applied, then the connection drops: the change stands", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.answerLost, { route: "add" })
      yield* fake.inject(Fault.answerLost, { route: "remove" })
      const added = yield* Effect.flip(add())
      expect([added._tag, added.reason._tag]).toEqual(["HttpClientError", "TransportError"])
      expect(yield* fake.participants(C.iMessageGroup)).toContain(H.newcomer)
      const removed = yield* Effect.flip(
        send("DELETE", participantsPath(C.iMessageGroup), { json: { handle: H.dave } })
      )
      expect([removed._tag, removed.reason._tag]).toEqual(["HttpClientError", "TransportError"])
      expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.dave)
      const journal = yield* fake.journal
      expect(journal.map((e) => [e.route, e.outcome._tag, e.fault && Fault.describe(e.fault)])).toEqual([
        ["add", "Disconnected", "answerlost"],
        ["remove", "Disconnected", "answerlost"]
      ])
      // a second add of the same handle meets the first
      expect((yield* add()).status).not.toBe(202)
    }).pipe(Effect.provide(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay: 0 })))
  )
})

describe("malformed bodies", () => {
  it.effect("HTML, truncated JSON, wrong-typed JSON, empty, a huge body, a body of your own", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.html())
      yield* fake.inject(Fault.truncatedJson())
      yield* fake.inject(Fault.wrongTypes())
      yield* fake.inject(Fault.empty(202))
      yield* fake.inject(Fault.hugeBody(200, 1_000_000))
      yield* fake.inject(Fault.body(200, "<html>"))
      yield* fake.inject(Fault.body(202, new TextEncoder().encode(`{"status":"accepted"}`)))

      const html = yield* add()
      expect(html.status).toBe(502)
      expect(html.headers["content-type"]).toBe("text/html")
      expect(html.text).toContain("<title>502 Bad Gateway</title>")

      const truncated = yield* add()
      expect([truncated.status, truncated.headers["content-type"]]).toEqual([202, "application/json"])
      expect(truncated.json).toBeUndefined()
      expect(truncated.text.startsWith(`{"message":"Participant addition queued"`)).toBe(true)

      const wrong = yield* add()
      expect(wrong.json).toEqual({ message: 42, status: ["accepted"], trace_id: { id: 1 } })

      const empty = yield* add()
      expect([empty.status, empty.text]).toEqual([202, ""])

      const huge = yield* add()
      expect(huge.text.length).toBe(1_000_000)
      expect((huge.json as { status: string }).status).toBe("accepted")

      const own = yield* add()
      expect([own.status, own.text, own.headers["content-type"]]).toEqual([
        200,
        "<html>",
        "text/html; charset=utf-8"
      ])

      const bytes = yield* add()
      expect([bytes.status, bytes.json]).toEqual([202, { status: "accepted" }])

      // none of them was handled: the state is unchanged
      expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.newcomer)
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect("a status that cannot carry a body answers without one", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(204))
      const answer = yield* getChat
      expect([answer.status, answer.text]).toEqual([204, ""])
    }).pipe(Effect.provide(FakeLinq.layer()))
  )

  it.effect(
    "an impossible status fails the request in-process (HttpClientError, reason TransportError)",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        yield* fake.inject(Fault.status(99))
        const error = yield* Effect.flip(getChat)
        expect([error._tag, error.reason._tag]).toEqual(["HttpClientError", "TransportError"])
      }).pipe(Effect.provide(FakeLinq.layer()))
  )
})
