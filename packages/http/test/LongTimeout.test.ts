/**
 * A timeout longer than a timer can hold (2^31-1 ms, about 24.8 days) used
 * to fire at once: `setTimeout` treats a larger delay as 1 ms. It must behave
 * as a long timeout (none, in practice), never as zero, on the live clock.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { timeoutFail } from "../src/internal/timeout.js"
import { LinqHttpClient } from "../src/index.js"
import { Answer } from "./RecordingHttpClient.js"
import { addCall, linqLayer } from "./testkit.js"

const slowAccepted = Answer.delayed(Answer.accepted("trace-late"), "30 millis")

describe("timeouts longer than a timer can hold", () => {
  it.live("timeoutFail with 25 days lets a 30 ms attempt finish", () =>
    Effect.gen(function* () {
      const value = yield* timeoutFail(
        Effect.succeed(42).pipe(Effect.delay("30 millis")),
        Duration.days(25),
        () => "timed out" as const
      )
      expect(value).toBe(42)
    })
  )

  it.live('a layer timeout of "25 days" does not time a call out', () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const response = yield* client.execute(addCall())
      expect(response.trace_id).toBe("trace-late")
    }).pipe(Effect.provide(linqLayer([slowAccepted], { timeout: "25 days", maxRetries: 0 })))
  )

  it.live('a per-call timeout of "30 days" does not time the call out', () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const response = yield* client.execute(addCall({ timeout: "30 days", maxRetries: 0 }))
      expect(response.trace_id).toBe("trace-late")
    }).pipe(Effect.provide(linqLayer([slowAccepted])))
  )

  it.effect("the client reports such a timeout as none (infinite)", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      expect(Duration.isFinite(client.timeout)).toBe(false)
    }).pipe(Effect.provide(linqLayer([Answer.accepted()], { timeout: "25 days" })))
  )

  it.effect("a timeout just under the limit is kept as given", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      expect(Duration.toMillis(client.timeout)).toBe(2 ** 31 - 1)
    }).pipe(Effect.provide(linqLayer([Answer.accepted()], { timeout: Duration.millis(2 ** 31 - 1) })))
  )
})
