import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { Answer, Recorder } from "../../http/test/RecordingHttpClient.js"
import {
  awaitDone,
  awaitRequests,
  CHAT_ID,
  HANDLE,
  linqLayer,
  pendingWait,
  RULE_TEXTS
} from "../../http/test/testkit.js"
import { addParticipant, removeParticipant } from "../src/index.js"

const busy = Answer.envelope(503, { code: 4004, message: "Service unavailable" })
const HOUR = "1 hour"

/** Lets the pending retry wait pass and waits for attempt `sent + 1`. */
const nextAttempt = (sent: number) =>
  Effect.gen(function* () {
    const recorder = yield* Recorder
    yield* TestClock.adjust(yield* pendingWait)
    yield* awaitRequests(recorder, sent + 1)
  })

describe("per-call options override the layer's", () => {
  it.effect("maxRetries: 0 on a layer of 5 retries", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(addParticipant(CHAT_ID, { handle: HANDLE }, { maxRetries: 0 }))
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("ServerError")
      expect(yield* recorder.count).toBe(1)
    }).pipe(Effect.provide(linqLayer([busy], { maxRetries: 5, timeout: HOUR })))
  )

  it.effect("maxRetries: 2 on a layer of 0 retries", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(removeParticipant(CHAT_ID, { handle: HANDLE }, { maxRetries: 2 }))
      yield* awaitRequests(recorder, 1)
      yield* nextAttempt(1)
      yield* nextAttempt(2)
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("ServerError")
      expect(yield* recorder.count).toBe(3)
    }).pipe(Effect.provide(linqLayer([busy], { maxRetries: 0, timeout: HOUR })))
  )

  it.effect("timeout: a shorter one applies to each attempt", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(
        addParticipant(CHAT_ID, { handle: HANDLE }, { timeout: "2 seconds" })
      )
      yield* awaitRequests(recorder, 1)
      yield* TestClock.adjust(1999)
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(1)
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("RequestTimeout")
      if (error._tag === "RequestTimeout") expect(Duration.toMillis(error.timeout)).toBe(2000)
      expect((yield* recorder.request(0)).signal.aborted).toBe(true)
    }).pipe(Effect.provide(linqLayer([Answer.never], { maxRetries: 0, timeout: HOUR })))
  )

  it.effect("timeout: a longer one lets a slow answer through", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(
        addParticipant(CHAT_ID, { handle: HANDLE }, { timeout: "30 seconds" })
      )
      yield* awaitRequests(recorder, 1)
      yield* TestClock.adjust("10 seconds")
      expect((yield* Fiber.join(fiber)).status).toBe("accepted")
    }).pipe(
      Effect.provide(
        linqLayer([Answer.delayed(Answer.accepted(), "10 seconds")], { maxRetries: 0, timeout: "1 second" })
      )
    )
  )

  it.effect("both at once, and {} changes nothing", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(
        addParticipant(CHAT_ID, { handle: HANDLE }, { timeout: "1 second", maxRetries: 1 })
      )
      yield* awaitRequests(recorder, 1)
      yield* TestClock.adjust("1 second")
      yield* nextAttempt(1)
      yield* TestClock.adjust("1 second")
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("RequestTimeout")
      expect(yield* recorder.count).toBe(2)

      // With {} the layer's settings (no retries, an hour) hold: a 503 is final at once.
      const second = yield* Effect.forkChild(addParticipant(CHAT_ID, { handle: HANDLE }, {}))
      expect((yield* Effect.flip(yield* awaitDone(second)))._tag).toBe("ServerError")
      expect(yield* recorder.count).toBe(3)
    }).pipe(Effect.provide(linqLayer([Answer.never, Answer.never, busy], { maxRetries: 0, timeout: HOUR })))
  )
})

describe("retries through the operations", () => {
  it.effect("a 503 then success is retried once, on the clock", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(addParticipant(CHAT_ID, { handle: HANDLE }))
      yield* awaitRequests(recorder, 1)
      const wait = yield* pendingWait
      expect(wait).toBeGreaterThanOrEqual(375)
      expect(wait).toBeLessThanOrEqual(500)
      yield* TestClock.adjust(wait - 1)
      expect(yield* recorder.count).toBe(1)
      yield* TestClock.adjust(1)
      expect((yield* Fiber.join(fiber)).status).toBe("accepted")
      expect(yield* recorder.count).toBe(2)
      const [first, second] = yield* recorder.requests
      expect(second!.at - first!.at).toBe(wait)
      expect(second!.body).toStrictEqual(first!.body)
    }).pipe(Effect.provide(linqLayer([busy, Answer.accepted()], { timeout: HOUR })))
  )

  it.effect("409 'already in this chat' is final at once for an add (rules: server, no chat read)", () =>
    Effect.gen(function* () {
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(addParticipant(CHAT_ID, { handle: HANDLE }, { rules: "server" }))
      const error = yield* Effect.flip(yield* awaitDone(fiber))
      expect(error._tag).toBe("ParticipantAlreadyInChat")
      expect(yield* recorder.count).toBe(1)
    }).pipe(
      Effect.provide(
        linqLayer([Answer.envelope(409, { code: 1005, message: RULE_TEXTS.already }), Answer.accepted()])
      )
    )
  )
})

describe("a bad per-call option is a typed InvalidOption, and nothing is sent", () => {
  // Every rules mode: "preflight" and "diagnose" read the chat first, "server" sends at once.
  for (const rules of ["server", "preflight", "diagnose"] as const) {
    for (const [name, options, option] of [
      ["timeout: -1", { timeout: -1 }, "timeout"],
      ["maxRetries: NaN", { maxRetries: Number.NaN }, "maxRetries"],
      ["a header with a line break", { headers: { "x-request-id": "a\nb" } }, "headers"]
    ] as const) {
      it.effect(`${name} (rules: ${rules})`, () =>
        Effect.gen(function* () {
          const recorder = yield* Recorder
          const added = yield* Effect.flip(addParticipant(CHAT_ID, { handle: HANDLE }, { rules, ...options }))
          const removed = yield* Effect.flip(
            removeParticipant(CHAT_ID, { handle: HANDLE }, { rules, ...options })
          )
          for (const error of [added, removed]) {
            expect(error._tag).toBe("InvalidOption")
            if (error._tag === "InvalidOption") expect(error.option).toBe(option)
          }
          expect(yield* recorder.count).toBe(0)
        }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
      )
    }
  }
})
