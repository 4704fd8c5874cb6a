/**
 * The `rateLimit` option (one Effect `RateLimiter` per layer, shared by every
 * call through it) and the per-attempt counter `linq_http_attempts_total`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Metric, TestClock } from "effect"
import { ATTEMPTS_METRIC_NAME, LinqHttpClient } from "../src/index.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import {
  API_KEY,
  addCall,
  awaitRequests,
  CHAT_ID,
  eventually,
  HANDLE,
  linqLayer,
  pendingWait
} from "./testkit.js"

/** Lets forked fibers run on real time for a few milliseconds. */
const settle = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 20)))

describe("rateLimit", () => {
  it.effect("calls beyond the limit wait for the limiter, whichever fiber makes them", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      // Five calls from five fibers, through the one layer: 2 per second (a token every 500 ms).
      const fibers = yield* Effect.forEach([1, 2, 3, 4, 5], () => Effect.fork(client.execute(addCall())))
      yield* awaitRequests(recorder, 2)
      yield* settle
      expect(yield* recorder.count).toBe(2)
      yield* TestClock.adjust("500 millis")
      yield* awaitRequests(recorder, 3)
      yield* settle
      expect(yield* recorder.count).toBe(3)
      yield* TestClock.adjust("1 second")
      yield* awaitRequests(recorder, 5)
      for (const fiber of fibers) expect((yield* Fiber.join(fiber)).status).toBe("accepted")
    }).pipe(Effect.provide(linqLayer([Answer.accepted()], { rateLimit: { limit: 2, interval: "1 second" } })))
  )

  it.effect("a 429's Retry-After is still obeyed under a rate limit", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      const fiber = yield* Effect.fork(client.execute(addCall({ timeout: "1 hour" })))
      yield* awaitRequests(recorder, 1)
      // The limiter's own refill sleeps 2 minutes (20 minutes / 10): only the retry wait is within 60 s.
      expect(yield* pendingWait).toBe(3000)
      yield* TestClock.adjust("3 seconds")
      yield* awaitRequests(recorder, 2)
      expect((yield* Fiber.join(fiber)).status).toBe("accepted")
    }).pipe(
      Effect.provide(
        linqLayer(
          [Answer.envelope(429, { message: "slow down" }, "t", { "retry-after": "3" }), Answer.accepted()],
          {
            rateLimit: { limit: 10, interval: "20 minutes" }
          }
        )
      )
    )
  )

  it.effect("without it, nothing waits", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      yield* Effect.forEach([1, 2, 3, 4, 5], () => client.execute(addCall()), { concurrency: "unbounded" })
      expect(yield* recorder.count).toBe(5)
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )
})

/** The attempts counted so far, by tags, from the global metric registry. */
const attemptCounts = Effect.map(Metric.snapshot, (pairs) =>
  pairs
    .filter((pair) => pair.metricKey.name === ATTEMPTS_METRIC_NAME)
    .map((pair) => ({
      tags: Object.fromEntries(pair.metricKey.tags.map((tag) => [tag.key, tag.value])),
      count: "count" in pair.metricState ? Number(pair.metricState.count) : Number.NaN
    }))
)

const ROUTE = "/v3/chats/{chatId}/participants"

describe(`${ATTEMPTS_METRIC_NAME}`, () => {
  it.effect("counts every attempt (retries show), tagged method and URL template only", () =>
    Effect.gen(function* () {
      const countOf = (method: string) =>
        Effect.map(
          attemptCounts,
          (all) => all.find((entry) => entry.tags.method === method && entry.tags.route === ROUTE)?.count ?? 0
        )
      const before = yield* countOf("DELETE")
      const client = yield* LinqHttpClient
      // One call, answered 503 (retried at once) then 202: two attempts.
      yield* client.execute(addCall({ method: "DELETE" }))
      yield* eventually(
        Effect.map(countOf("DELETE"), (count) => count === before + 2),
        "two attempts counted"
      )
      for (const entry of yield* attemptCounts) {
        expect(Object.keys(entry.tags).sort()).toEqual(["method", "route"])
        const text = JSON.stringify(entry.tags)
        for (const secret of [CHAT_ID, HANDLE, API_KEY]) expect(text).not.toContain(secret)
      }
    }).pipe(
      Effect.provide(
        linqLayer([
          Answer.envelope(503, { message: "busy" }, "t", { "retry-after-ms": "0" }),
          Answer.accepted()
        ])
      )
    )
  )
})
