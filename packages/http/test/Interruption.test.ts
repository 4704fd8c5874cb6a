import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { LinqHttpClient } from "../src/index.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import { addCall, awaitRequests, linqLayer, pendingWait } from "./testkit.js"

describe("interruption", () => {
  it.effect("interrupting a call in flight aborts its request", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(client.execute(addCall()))
      yield* awaitRequests(recorder, 1)
      const request = yield* recorder.request(0)
      expect(request.signal.aborted).toBe(false)
      yield* Fiber.interrupt(fiber)
      const exit = yield* Fiber.await(fiber)
      expect(Exit.hasInterrupts(exit)).toBe(true)
      expect(request.signal.aborted).toBe(true)
      expect(yield* recorder.count).toBe(1)
    }).pipe(Effect.provide(linqLayer([Answer.never])))
  )

  it.effect("interrupting while the answer is on its way aborts it", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(client.execute(addCall()))
      yield* awaitRequests(recorder, 1)
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      expect((yield* recorder.request(0)).signal.aborted).toBe(true)
    }).pipe(Effect.provide(linqLayer([Answer.delayed(Answer.accepted(), "5 seconds")])))
  )

  it.effect("interrupting during a retry wait sends nothing more", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(client.execute(addCall()))
      yield* awaitRequests(recorder, 1)
      yield* pendingWait
      yield* Fiber.interrupt(fiber)
      const exit = yield* Fiber.await(fiber)
      expect(Exit.hasInterrupts(exit)).toBe(true)
      yield* TestClock.adjust("10 minutes")
      expect(yield* recorder.count).toBe(1)
    }).pipe(Effect.provide(linqLayer([Answer.envelope(503, { message: "busy" })], { timeout: "1 hour" })))
  )
})
