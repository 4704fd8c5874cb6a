/**
 * The per-attempt timeout (internal/timeout.ts): on the live clock it runs the
 * attempt in a fiber of its own with a plain timer; on any other clock it is
 * Effect.timeoutOrElse. Both must behave the same.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Duration, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { timeoutFail } from "../src/internal/timeout.js"

const timedOut = () => "timed out" as const

describe("timeoutFail on the live clock", () => {
  it.live("passes a success through", () =>
    Effect.gen(function* () {
      const value = yield* timeoutFail(
        Effect.succeed(42).pipe(Effect.delay("5 millis")),
        Duration.seconds(5),
        timedOut
      )
      expect(value).toBe(42)
    })
  )

  it.live("passes a typed failure through, untouched", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        timeoutFail(Effect.fail("boom" as const), Duration.seconds(5), timedOut)
      )
      expect(exit).toStrictEqual(Exit.fail("boom"))
    })
  )

  it.live("fails with onTimeout and interrupts the attempt when it runs too long", () =>
    Effect.gen(function* () {
      const interrupted = yield* Deferred.make<void>()
      const slow = Effect.never.pipe(Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined)))
      const exit = yield* Effect.exit(timeoutFail(slow, Duration.millis(20), timedOut))
      expect(exit).toStrictEqual(Exit.fail("timed out"))
      expect(yield* Deferred.isDone(interrupted)).toBe(true)
    })
  )

  it.live("interrupting the caller interrupts the attempt", () =>
    Effect.gen(function* () {
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      const slow = Deferred.succeed(started, undefined).pipe(
        Effect.andThen(Effect.never),
        Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
      )
      const fiber = yield* Effect.forkChild(timeoutFail(slow, Duration.seconds(30), timedOut))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(fiber)
      expect(yield* Deferred.isDone(interrupted)).toBe(true)
    })
  )

  it.live("runs the attempt with the caller's context and span", () =>
    Effect.gen(function* () {
      const spanName = yield* timeoutFail(
        Effect.map(Effect.currentSpan, (span) => span.name),
        Duration.seconds(5),
        timedOut
      ).pipe(Effect.withSpan("outer"))
      expect(spanName).toBe("outer")
    })
  )
})

describe("timeoutFail on the TestClock", () => {
  it.effect("times out in virtual time", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(
        Effect.exit(timeoutFail(Effect.never, Duration.seconds(30), timedOut))
      )
      yield* TestClock.adjust("29 seconds")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(fiber)).toStrictEqual(Exit.fail("timed out"))
    })
  )
})
