import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Random, Schema } from "effect"
import { TestClock } from "effect/testing"
import { LinqHttpClient } from "../src/index.js"
import type { Answer as AnswerT, Recorder as RecorderTag } from "./RecordingHttpClient.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import type { LinqHttpClientOptions } from "../src/index.js"
import { addCall, awaitDone, awaitRequests, CHAT_ID, eventually, linqLayer, pendingWait } from "./testkit.js"

type RecorderService = RecorderTag["Service"]

/** Long enough that a per-attempt timeout is never mistaken for a retry wait. */
const HOUR = { timeout: "1 hour" } as const

const layerFor = (script: ReadonlyArray<AnswerT>, options: Partial<LinqHttpClientOptions> = {}) =>
  linqLayer(script, { ...HOUR, ...options })

/** Forks the add call (with per-call overrides) and waits for its first request. */
const start = (overrides: { readonly maxRetries?: number; readonly timeout?: Duration.Input } = {}) =>
  Effect.gen(function* () {
    const client = yield* LinqHttpClient
    const recorder = yield* Recorder
    const fiber = yield* Effect.forkChild(client.execute(addCall(overrides)))
    yield* eventually(
      Effect.map(recorder.count, (n) => n >= 1),
      "the first request"
    )
    return { fiber, recorder } as const
  })

/**
 * Lets the pending retry wait elapse: a millisecond before it ends nothing
 * is sent, at its end attempt `sent + 1` is. Returns the wait in ms.
 */
const elapseWait = (recorder: RecorderService, sent: number) =>
  Effect.gen(function* () {
    const wait = yield* pendingWait
    yield* TestClock.adjust(wait - 1)
    expect(yield* recorder.count).toBe(sent)
    yield* TestClock.adjust(1)
    yield* awaitRequests(recorder, sent + 1)
    return wait
  })

const after503 = Answer.envelope(503, { code: 4004, message: "Service unavailable" })

describe("what is retried", () => {
  const retried: ReadonlyArray<{ readonly name: string; readonly answer: AnswerT }> = [
    { name: "a connection error", answer: Answer.transportFailure() },
    { name: "a body that breaks off", answer: Answer.brokenBody() },
    { name: "408", answer: Answer.envelope(408, { message: "Request timeout" }) },
    { name: "409 (not a rule violation)", answer: Answer.envelope(409, { message: "Conflict" }) },
    { name: "429", answer: Answer.envelope(429, { code: 1007, message: "Rate limit exceeded" }) },
    { name: "500", answer: Answer.envelope(500, { code: 3001, message: "Internal server error" }) },
    { name: "502 with an HTML page", answer: Answer.text(502, "<html><body>Bad gateway</body></html>") },
    { name: "503", answer: after503 },
    { name: "504 with an empty body", answer: Answer.text(504, "") }
  ]
  it.effect.each(retried)("$name is retried after the backoff", ({ answer }) =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start()
      const wait = yield* elapseWait(recorder, 1)
      expect(wait).toBeGreaterThanOrEqual(375)
      expect(wait).toBeLessThanOrEqual(500)
      expect(yield* Fiber.join(fiber)).toStrictEqual({
        message: "Participant addition queued",
        status: "accepted",
        trace_id: "trace-ok"
      })
      expect(yield* recorder.count).toBe(2)
    }).pipe(Effect.provide(layerFor([answer, Answer.accepted()])))
  )

  const notRetried: ReadonlyArray<{ readonly name: string; readonly answer: AnswerT; readonly tag: string }> =
    [
      {
        name: "400",
        answer: Answer.envelope(400, { code: 1003, message: "Invalid body" }),
        tag: "InvalidRequest"
      },
      {
        name: "401",
        answer: Answer.envelope(401, { code: 2004, message: "Unauthorized" }),
        tag: "Unauthorized"
      },
      {
        name: "403",
        answer: Answer.envelope(403, { code: 2005, message: "Denied" }),
        tag: "PermissionDenied"
      },
      {
        name: "404",
        answer: Answer.envelope(404, { code: 2001, message: "Chat not found" }),
        tag: "ChatNotFound"
      },
      { name: "422", answer: Answer.envelope(422, { message: "Unprocessable" }), tag: "InvalidRequest" },
      { name: "418", answer: Answer.envelope(418, { message: "I'm a teapot" }), tag: "ApiError" },
      {
        name: "409 'already in this chat' (a rule violation)",
        answer: Answer.envelope(409, { code: 1005, message: "Participant is already in this chat" }),
        tag: "ParticipantAlreadyInChat"
      },
      {
        name: "a recognised 400 rule violation",
        answer: Answer.envelope(400, {
          code: 1006,
          message: "Cannot add or remove participants in a direct message"
        }),
        tag: "NotAGroupChat"
      },
      { name: "an undecodable 2xx", answer: Answer.text(200, "<html></html>"), tag: "UnexpectedResponse" }
    ]
  it.effect.each(notRetried)("$name is not retried", ({ answer, tag }) =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start()
      const exit = yield* awaitDone(fiber)
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe(tag)
      expect(yield* recorder.count).toBe(1)
    }).pipe(Effect.provide(layerFor([answer, Answer.accepted()])))
  )

  it.effect("x-should-retry: false on a 503 gives one attempt", () =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start()
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("ServerError")
      expect(yield* recorder.count).toBe(1)
    }).pipe(
      Effect.provide(
        layerFor([
          Answer.envelope(503, { message: "Service unavailable" }, "t", { "x-should-retry": "false" }),
          Answer.accepted()
        ])
      )
    )
  )

  it.effect("x-should-retry: true on a 400 is retried", () =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start()
      yield* elapseWait(recorder, 1)
      expect((yield* Fiber.join(fiber)).status).toBe("accepted")
      expect(yield* recorder.count).toBe(2)
    }).pipe(
      Effect.provide(
        layerFor([
          Answer.envelope(400, { message: "Try again" }, "t", { "x-should-retry": "true" }),
          Answer.accepted()
        ])
      )
    )
  )

  it.effect("an unknown x-should-retry value leaves the judgement to the status", () =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start()
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("InvalidRequest")
      expect(yield* recorder.count).toBe(1)
    }).pipe(
      Effect.provide(
        layerFor([
          Answer.envelope(400, { message: "x" }, "t", { "x-should-retry": "yes" }),
          Answer.accepted()
        ])
      )
    )
  )
})

describe("maxRetries", () => {
  for (const maxRetries of [0, 1, 2, 5]) {
    it.effect(`maxRetries ${maxRetries} makes at most ${maxRetries + 1} attempts`, () =>
      Effect.gen(function* () {
        const { fiber, recorder } = yield* start()
        for (let sent = 1; sent <= maxRetries; sent++) {
          yield* elapseWait(recorder, sent)
        }
        const exit = yield* awaitDone(fiber)
        const error = yield* Effect.flip(exit)
        expect(error._tag).toBe("ServerError")
        expect(yield* recorder.count).toBe(maxRetries + 1)
        yield* TestClock.adjust("10 minutes")
        expect(yield* recorder.count).toBe(maxRetries + 1)
      }).pipe(Effect.provide(layerFor([after503], { maxRetries })))
    )
  }

  it.effect("defaults to 2 retries", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      expect(client.maxRetries).toBe(2)
      const { fiber, recorder } = yield* start()
      yield* elapseWait(recorder, 1)
      yield* elapseWait(recorder, 2)
      expect((yield* Effect.flip(yield* awaitDone(fiber)))._tag).toBe("ServerError")
      expect(yield* recorder.count).toBe(3)
    }).pipe(Effect.provide(layerFor([after503])))
  )

  it.effect("a per-call maxRetries overrides the layer's (fewer)", () =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start({ maxRetries: 0 })
      expect((yield* Effect.flip(yield* awaitDone(fiber)))._tag).toBe("ServerError")
      expect(yield* recorder.count).toBe(1)
    }).pipe(Effect.provide(layerFor([after503], { maxRetries: 5 })))
  )

  it.effect("a per-call maxRetries overrides the layer's (more)", () =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start({ maxRetries: 3 })
      for (let sent = 1; sent <= 3; sent++) yield* elapseWait(recorder, sent)
      expect((yield* Effect.flip(yield* awaitDone(fiber)))._tag).toBe("ServerError")
      expect(yield* recorder.count).toBe(4)
    }).pipe(Effect.provide(layerFor([after503], { maxRetries: 0 })))
  )
})

describe("backoff", () => {
  const bounds: ReadonlyArray<readonly [number, number]> = [
    [375, 500],
    [750, 1000],
    [1500, 2000],
    [3000, 4000],
    [6000, 8000],
    [6000, 8000],
    [6000, 8000]
  ]

  it.effect("grows from 0.5 s, doubling, with up to 25% jitter below, never above 8 s", () =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start()
      const waits: Array<number> = []
      for (let sent = 1; sent <= bounds.length; sent++) waits.push(yield* elapseWait(recorder, sent))
      waits.forEach((wait, i) => {
        const [low, high] = bounds[i]!
        expect(wait, `wait ${i + 1}`).toBeGreaterThanOrEqual(low)
        expect(wait, `wait ${i + 1}`).toBeLessThanOrEqual(high)
      })
      expect(Math.max(...waits)).toBeLessThanOrEqual(8000)
      expect((yield* Effect.flip(yield* awaitDone(fiber)))._tag).toBe("ServerError")
    }).pipe(Effect.provide(layerFor([after503], { maxRetries: bounds.length })))
  )

  it.effect.prop(
    "stays within the bounds for any random seed",
    { seed: Schema.Int },
    ({ seed }) =>
      Effect.gen(function* () {
        const { fiber, recorder } = yield* start()
        for (let sent = 1; sent <= 3; sent++) {
          const wait = yield* elapseWait(recorder, sent)
          const [low, high] = bounds[sent - 1]!
          expect(wait).toBeGreaterThanOrEqual(low)
          expect(wait).toBeLessThanOrEqual(high)
        }
        yield* Fiber.interrupt(fiber)
      }).pipe(Effect.provide(layerFor([after503], { maxRetries: 3 })), Random.withSeed(seed)),
    { arbitrary: { runs: 10 } }
  )
})

describe("server-requested waits", () => {
  const waits: ReadonlyArray<{
    readonly name: string
    readonly status?: number
    readonly headers: Readonly<Record<string, string>>
    readonly wait: number
  }> = [
    { name: "retry-after-ms", headers: { "retry-after-ms": "2500" }, wait: 2500 },
    { name: "Retry-After in seconds", headers: { "retry-after": "3" }, wait: 3000 },
    { name: "Retry-After in fractional seconds", headers: { "retry-after": "1.5" }, wait: 1500 },
    {
      name: "retry-after-ms over Retry-After",
      headers: { "retry-after-ms": "1200", "retry-after": "30" },
      wait: 1200
    },
    { name: "Retry-After on a 503", status: 503, headers: { "retry-after": "4" }, wait: 4000 },
    { name: "retry-after-ms capped at 60 s", headers: { "retry-after-ms": "120000" }, wait: 60_000 },
    { name: "Retry-After seconds capped at 60 s", headers: { "retry-after": "3600" }, wait: 60_000 }
  ]
  it.effect.each(waits)("$name", ({ headers, status, wait }) =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start()
      expect(yield* elapseWait(recorder, 1)).toBe(wait)
      expect((yield* Fiber.join(fiber)).status).toBe("accepted")
    }).pipe(
      Effect.provide(
        layerFor([Answer.envelope(status ?? 429, { message: "Slow down" }, "t", headers), Answer.accepted()])
      )
    )
  )

  /** Starts the clock at a whole second of 2030, far from the real time. */
  const in2030 = TestClock.setTime(Date.UTC(2030, 0, 1, 12, 0, 0))

  it.effect("Retry-After as an HTTP date, relative to the clock's time", () =>
    Effect.gen(function* () {
      yield* in2030
      const { fiber, recorder } = yield* start()
      expect(yield* elapseWait(recorder, 1)).toBe(7000)
      expect((yield* Fiber.join(fiber)).status).toBe("accepted")
    }).pipe(
      Effect.provide(
        layerFor([
          Answer.envelope(429, { message: "Slow down" }, "t", {
            "retry-after": new Date(Date.UTC(2030, 0, 1, 12, 0, 7)).toUTCString()
          }),
          Answer.accepted()
        ])
      )
    )
  )

  it.effect("Retry-After as an HTTP date, capped at 60 s", () =>
    Effect.gen(function* () {
      yield* in2030
      const { fiber, recorder } = yield* start()
      expect(yield* elapseWait(recorder, 1)).toBe(60_000)
      yield* Fiber.join(fiber)
    }).pipe(
      Effect.provide(
        layerFor([
          Answer.envelope(429, { message: "Slow down" }, "t", {
            "retry-after": new Date(Date.UTC(2030, 0, 1, 14, 0, 0)).toUTCString()
          }),
          Answer.accepted()
        ])
      )
    )
  )

  it.effect("an HTTP date already past retries at once", () =>
    Effect.gen(function* () {
      yield* in2030
      const { fiber, recorder } = yield* start()
      yield* awaitRequests(recorder, 2)
      expect((yield* Fiber.join(fiber)).status).toBe("accepted")
      expect((yield* recorder.request(1)).at).toBe((yield* recorder.request(0)).at)
    }).pipe(
      Effect.provide(
        layerFor([
          Answer.envelope(429, { message: "Slow down" }, "t", {
            "retry-after": new Date(Date.UTC(2030, 0, 1, 11, 0, 0)).toUTCString()
          }),
          Answer.accepted()
        ])
      )
    )
  )

  it.effect("retry-after-ms: 0 retries at once", () =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start()
      yield* awaitRequests(recorder, 2)
      expect((yield* Fiber.join(fiber)).status).toBe("accepted")
    }).pipe(
      Effect.provide(
        layerFor([
          Answer.envelope(429, { message: "Slow down" }, "t", { "retry-after-ms": "0" }),
          Answer.accepted()
        ])
      )
    )
  )

  it.effect.each(["-5", "soon", "1.5.3", "10 apples", ""])(
    "an unreadable Retry-After %j falls back to the backoff",
    (value) =>
      Effect.gen(function* () {
        const { fiber, recorder } = yield* start()
        const wait = yield* elapseWait(recorder, 1)
        expect(wait).toBeGreaterThanOrEqual(375)
        expect(wait).toBeLessThanOrEqual(500)
        yield* Fiber.join(fiber)
      }).pipe(
        Effect.provide(
          layerFor([
            Answer.envelope(429, { message: "Slow down" }, "t", { "retry-after": value }),
            Answer.accepted()
          ])
        )
      )
  )

  it.effect("a RateLimited that is not retried keeps the server's retryAfter", () =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start()
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("RateLimited")
      if (error._tag !== "RateLimited") return
      expect(error.status).toBe(429)
      expect(error.code).toBe(1007)
      expect(error.message).toBe("Rate limit exceeded")
      expect(error.retryAfter).toStrictEqual(Duration.seconds(90))
      expect(yield* recorder.count).toBe(1)
    }).pipe(
      Effect.provide(
        layerFor(
          [
            Answer.envelope(429, { code: 1007, message: "Rate limit exceeded" }, "t", { "retry-after": "90" })
          ],
          { maxRetries: 0 }
        )
      )
    )
  )
})

describe("timeouts", () => {
  it.effect("an attempt that does not answer in time is a RequestTimeout, retried, and aborted", () =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start()
      const first = yield* recorder.request(0)
      yield* TestClock.adjust(1999)
      expect(yield* recorder.count).toBe(1)
      expect(first.signal.aborted).toBe(false)
      yield* TestClock.adjust(1)
      const wait = yield* elapseWait(recorder, 1)
      expect(first.signal.aborted).toBe(true)
      expect(wait).toBeGreaterThanOrEqual(375)
      expect(wait).toBeLessThanOrEqual(500)
      yield* TestClock.adjust(2000)
      yield* elapseWait(recorder, 2)
      expect((yield* Fiber.join(fiber)).status).toBe("accepted")
      expect(yield* recorder.count).toBe(3)
    }).pipe(
      Effect.provide(linqLayer([Answer.never, Answer.never, Answer.accepted()], { timeout: "2 seconds" }))
    )
  )

  it.effect("when every attempt times out the error is RequestTimeout", () =>
    Effect.gen(function* () {
      const { fiber, recorder } = yield* start()
      yield* TestClock.adjust(2000)
      yield* elapseWait(recorder, 1)
      yield* TestClock.adjust(2000)
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("RequestTimeout")
      if (error._tag !== "RequestTimeout") return
      expect(error.method).toBe("POST")
      expect(error.url).toBe(`https://api.linq.test/api/partner/v3/chats/${CHAT_ID}/participants`)
      expect(Duration.toMillis(error.timeout)).toBe(2000)
      expect(error.message).toContain("2s")
      expect(yield* recorder.count).toBe(2)
    }).pipe(Effect.provide(linqLayer([Answer.never], { timeout: "2 seconds", maxRetries: 1 })))
  )

  it.effect("the timeout covers a slow answer too", () =>
    Effect.gen(function* () {
      const { fiber } = yield* start()
      yield* TestClock.adjust(2000)
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("RequestTimeout")
    }).pipe(
      Effect.provide(
        linqLayer([Answer.delayed(Answer.accepted(), "5 seconds")], { timeout: "2 seconds", maxRetries: 0 })
      )
    )
  )

  it.effect("defaults to 60 seconds", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      expect(Duration.toMillis(client.timeout)).toBe(60_000)
      const { fiber } = yield* start()
      yield* TestClock.adjust(59_999)
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(1)
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("RequestTimeout")
    }).pipe(Effect.provide(linqLayer([Answer.never], { maxRetries: 0 })))
  )

  it.effect("a per-call timeout shorter than the layer's applies", () =>
    Effect.gen(function* () {
      const { fiber } = yield* start({ timeout: "3 seconds" })
      yield* TestClock.adjust(2999)
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(1)
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("RequestTimeout")
      if (error._tag === "RequestTimeout") expect(Duration.toMillis(error.timeout)).toBe(3000)
    }).pipe(Effect.provide(linqLayer([Answer.never], { ...HOUR, maxRetries: 0 })))
  )

  it.effect("a per-call timeout longer than the layer's applies", () =>
    Effect.gen(function* () {
      const { fiber } = yield* start({ timeout: "10 seconds" })
      yield* TestClock.adjust("5 seconds")
      expect((yield* Fiber.join(fiber)).status).toBe("accepted")
    }).pipe(
      Effect.provide(
        linqLayer([Answer.delayed(Answer.accepted(), "5 seconds")], { timeout: "1 second", maxRetries: 0 })
      )
    )
  )
})
