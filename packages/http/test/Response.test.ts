import { describe, expect, it } from "@effect/vitest"
import { UnexpectedResponse } from "@linq-effect/core"
import { Effect } from "effect"
import { LinqHttpClient } from "../src/index.js"
import type { Answer as AnswerT } from "./RecordingHttpClient.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import { addCall, awaitDone, linqLayer } from "./testkit.js"

/** Runs the add call once (no retries) against `answer`; returns the exit and the number of requests. */
const run = (answer: AnswerT, options: { readonly maxResponseBytes?: number } = {}) =>
  Effect.gen(function* () {
    const client = yield* LinqHttpClient
    const recorder = yield* Recorder
    const exit = yield* awaitDone(yield* Effect.forkChild(client.execute(addCall())))
    return { exit, requests: yield* recorder.count }
  }).pipe(Effect.provide(linqLayer([answer], { maxRetries: 2, ...options })))

/** The UnexpectedResponse of a call that must fail with one, after exactly one request. */
const unexpected = (answer: AnswerT, options: { readonly maxResponseBytes?: number } = {}) =>
  Effect.gen(function* () {
    const { exit, requests } = yield* run(answer, options)
    expect(requests).toBe(1)
    if (exit._tag !== "Failure") throw new Error(`expected a failure, got ${String(exit)}`)
    const error = yield* Effect.flip(exit)
    expect(error).toBeInstanceOf(UnexpectedResponse)
    if (!(error instanceof UnexpectedResponse)) throw error
    return error
  })

const succeeded = (answer: AnswerT) =>
  Effect.gen(function* () {
    const { exit, requests } = yield* run(answer)
    expect(requests).toBe(1)
    return yield* exit
  })

const htmlPage = (size: number) => {
  const head = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
  const paragraphs = "<p>upstream connect error</p>\n".repeat(Math.ceil(size / 30))
  return `${head}${paragraphs}</body></html>`
}

describe("2xx answers", () => {
  it.effect("the documented body decodes", () =>
    Effect.gen(function* () {
      expect(yield* succeeded(Answer.accepted("trace-1"))).toStrictEqual({
        message: "Participant addition queued",
        status: "accepted",
        trace_id: "trace-1"
      })
    })
  )

  it.effect("null fields are absent and unknown fields are ignored", () =>
    Effect.gen(function* () {
      const value = yield* succeeded(
        Answer.json(200, {
          message: null,
          status: "accepted",
          trace_id: null,
          queued_at: "2024-01-01T00:00:00Z",
          extra: { nested: [1, 2] }
        })
      )
      expect(value).toStrictEqual({ status: "accepted" })
      expect(Object.keys(value)).toStrictEqual(["status"])
    })
  )

  it.effect("an empty object decodes to an empty response", () =>
    Effect.gen(function* () {
      expect(yield* succeeded(Answer.json(201, {}))).toStrictEqual({})
    })
  )

  it.effect("204 without a body (as fetch gives it) is {}", () =>
    Effect.gen(function* () {
      expect(yield* succeeded(Answer.text(204, undefined, {}))).toStrictEqual({})
    })
  )

  it.effect("204 with content-length: 0 is {}", () =>
    Effect.gen(function* () {
      expect(yield* succeeded(Answer.text(204, undefined, { "content-length": "0" }))).toStrictEqual({})
    })
  )

  it.effect("an empty 202 body is an UnexpectedResponse, not retried", () =>
    Effect.gen(function* () {
      const error = yield* unexpected(Answer.text(202, "", { "content-type": "application/json" }))
      expect(error.status).toBe(202)
      expect(error.excerpt).toBe("")
      expect(error.reason).toMatch(/empty/)
    })
  )

  it.effect("a 202 with no body at all is an UnexpectedResponse, not a connection error", () =>
    Effect.gen(function* () {
      const error = yield* unexpected(Answer.text(202, undefined, {}))
      expect(error.status).toBe(202)
      expect(error.reason).toMatch(/empty/)
    })
  )

  it.effect("an HTML page is an UnexpectedResponse with a short excerpt", () =>
    Effect.gen(function* () {
      const body = htmlPage(5000)
      const error = yield* unexpected(Answer.text(200, body))
      expect(error.status).toBe(200)
      expect(error.reason).toMatch(/not JSON/)
      expect(error.excerpt.startsWith("<!DOCTYPE html><html><head><title>502 Bad Gateway")).toBe(true)
      expect(error.excerpt.length).toBeGreaterThan(50)
      expect(error.excerpt.length).toBeLessThanOrEqual(201)
      expect(body.length).toBeGreaterThan(4000)
      expect(error.message).not.toContain(
        "upstream connect error</p> <p>upstream connect error</p> <p>upstream"
      )
      expect(JSON.stringify(error).length).toBeLessThan(1000)
    })
  )

  it.effect("truncated JSON is an UnexpectedResponse", () =>
    Effect.gen(function* () {
      const error = yield* unexpected(
        Answer.text(202, '{"message":"Participant addition queued","sta', {
          "content-type": "application/json"
        })
      )
      expect(error.reason).toMatch(/not JSON/)
      expect(error.excerpt).toBe('{"message":"Participant addition queued","sta')
    })
  )

  it.effect("a wrong-typed field is an UnexpectedResponse naming the field", () =>
    Effect.gen(function* () {
      const error = yield* unexpected(Answer.json(202, { message: "ok", status: 1, trace_id: "t" }))
      expect(error.reason).toMatch(/not the documented shape/)
      expect(error.reason).toContain("status")
      expect(error.excerpt).toBe('{"message":"ok","status":1,"trace_id":"t"}')
    })
  )

  it.effect.each([
    { name: "an array", body: "[]" },
    { name: "null", body: "null" },
    { name: "a string", body: '"accepted"' },
    { name: "a number", body: "202" }
  ])("$name is an UnexpectedResponse", ({ body }) =>
    Effect.gen(function* () {
      const error = yield* unexpected(Answer.text(202, body, { "content-type": "application/json" }))
      expect(error.reason).toMatch(/not the documented shape/)
      expect(error.excerpt).toBe(body)
    })
  )

  it.effect("a long wrong body never lands whole in the error", () =>
    Effect.gen(function* () {
      const body = JSON.stringify({ status: 7, padding: "x".repeat(10_000) })
      const error = yield* unexpected(Answer.text(202, body, { "content-type": "application/json" }))
      expect(error.excerpt.length).toBeLessThanOrEqual(201)
      expect(error.excerpt.startsWith('{"status":7,"padding":"xxx')).toBe(true)
      expect(String(error).length).toBeLessThan(500)
    })
  )
})

describe("the body cap (maxResponseBytes)", () => {
  const cap = { maxResponseBytes: 1024 }
  const big = JSON.stringify({ message: "y".repeat(4000), status: "accepted" })

  it.effect("a body over the cap without content-length is refused", () =>
    Effect.gen(function* () {
      const error = yield* unexpected(Answer.text(202, big, { "content-type": "application/json" }), cap)
      expect(error.status).toBe(202)
      expect(error.reason).toMatch(/larger than the 1024 bytes/)
      expect(error.excerpt.length).toBeLessThanOrEqual(201)
    })
  )

  it.effect("a body over the cap with a truthful content-length is refused", () =>
    Effect.gen(function* () {
      const error = yield* unexpected(
        Answer.text(202, big, { "content-type": "application/json", "content-length": String(big.length) }),
        cap
      )
      expect(error.reason).toMatch(/larger than the 1024 bytes/)
    })
  )

  it.effect("a compressed body whose content-length is under the cap is still capped when decoded", () =>
    Effect.gen(function* () {
      // fetch decompresses but keeps the wire's content-length (the compressed size).
      const error = yield* unexpected(
        Answer.text(202, big, {
          "content-type": "application/json",
          "content-encoding": "gzip",
          "content-length": "120"
        }),
        cap
      )
      expect(error.reason).toMatch(/larger than the 1024 bytes/)
    })
  )

  it.effect("an error answer over the cap is still its status's error, from the start of the body", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const error = yield* Effect.flip(client.execute(addCall()))
      expect(error._tag).toBe("ServerError")
      if (error._tag !== "ServerError") return
      expect(error.status).toBe(503)
      expect(error.message.startsWith("The Linq API answered 503: <!DOCTYPE html>")).toBe(true)
      expect(error.message.length).toBeLessThan(200)
    }).pipe(Effect.provide(linqLayer([Answer.text(503, htmlPage(5000))], { ...cap, maxRetries: 0 })))
  )

  it.effect("a body of exactly the cap is read", () =>
    Effect.gen(function* () {
      const prefix = '{"status":"accepted","message":"'
      const body = `${prefix}${"z".repeat(1024 - prefix.length - 2)}"}`
      expect(new TextEncoder().encode(body).byteLength).toBe(1024)
      const { exit, requests } = yield* run(
        Answer.text(202, body, { "content-type": "application/json" }),
        cap
      )
      expect(requests).toBe(1)
      const value = yield* exit
      expect(value.status).toBe("accepted")
      expect(value.message?.length).toBe(1024 - prefix.length - 2)
    })
  )

  it.effect("the cap counts bytes, not characters", () =>
    Effect.gen(function* () {
      // 400 three-byte characters: 400 characters, 1200+ bytes.
      const body = JSON.stringify({ status: "accepted", message: "€".repeat(400) })
      expect(body.length).toBeLessThan(1024)
      const error = yield* unexpected(Answer.text(202, body, { "content-type": "application/json" }), cap)
      expect(error.reason).toMatch(/larger than/)
    })
  )
})

describe("a body that breaks off", () => {
  it.effect("is a ConnectionError (retried like one)", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      const error = yield* Effect.flip(client.execute(addCall()))
      expect(error._tag).toBe("ConnectionError")
      if (error._tag !== "ConnectionError") return
      expect(error.method).toBe("POST")
      expect(error.reason).toMatch(/Decode/)
      expect(yield* recorder.count).toBe(1)
    }).pipe(Effect.provide(linqLayer([Answer.brokenBody()], { maxRetries: 0 })))
  )
})
