/**
 * The `rateLimit` option (one limiter per layer, shared by every call and
 * retry through it: at most `limit` requests start in any window of length
 * `interval`) and the per-attempt counter `linq_http_attempts_total`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Metric } from "effect"
import { TestClock } from "effect/testing"
import { ATTEMPTS_METRIC_NAME, LinqHttpClient } from "../src/index.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import {
  API_KEY,
  addCall,
  advance,
  awaitRequests,
  CHAT_ID,
  eventually,
  HANDLE,
  linqLayer,
  pendingWait
} from "./testkit.js"

/** Lets forked fibers run on real time for a few milliseconds. */
const settle = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 20)))

/**
 * The largest number of times in one window of length `interval` (half
 * open, `[t, t + interval)`), over every window: what the README promises to
 * keep at most `limit`.
 */
const busiestWindow = (times: ReadonlyArray<number>, interval: number): number => {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= interval) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}

/** The `n`th handle of a test (distinct, valid E.164 numbers). */
const handleOf = (n: number) => `+1205249${String(9000 + n).padStart(4, "0")}`

/** The 503 every first attempt of a call gets in the retry cases, retried at once. */
const busy = Answer.envelope(503, { message: "busy" }, "t", { "retry-after-ms": "0" })

interface Case {
  readonly limit: number
  readonly interval: number
  /** Calls made at once. */
  readonly calls: number
  /** How long each answer takes, in ms. */
  readonly latency: number
  /** Whether each call's first attempt is answered 503 (so every call makes two attempts). */
  readonly retried: boolean
}

const cases: ReadonlyArray<Case> = [
  { limit: 5, interval: 1000, calls: 20, latency: 0, retried: false },
  { limit: 2, interval: 1000, calls: 7, latency: 0, retried: false },
  { limit: 1, interval: 500, calls: 4, latency: 0, retried: false },
  { limit: 10, interval: 60_000, calls: 25, latency: 0, retried: false },
  { limit: 3, interval: 250, calls: 10, latency: 100, retried: false },
  { limit: 5, interval: 1000, calls: 20, latency: 0, retried: true },
  { limit: 1, interval: 500, calls: 4, latency: 40, retried: true },
  { limit: 4, interval: 2000, calls: 13, latency: 300, retried: true },
  // A limit far above the traffic holds nothing back (and costs nothing per permit).
  { limit: 1_000_000_000, interval: 1000, calls: 6, latency: 0, retried: true }
]

describe("rateLimit", () => {
  for (const c of cases) {
    it.effect(
      `limit ${c.limit} / ${c.interval} ms, ${c.calls} calls at once, ${c.latency} ms answers${c.retried ? ", every call retried once" : ""}: at most ${c.limit} requests start in any ${c.interval} ms`,
      () =>
        Effect.gen(function* () {
          const client = yield* LinqHttpClient
          const recorder = yield* Recorder
          const fibers = yield* Effect.forEach(
            Array.from({ length: c.calls }, (_, i) => i),
            (i) => Effect.forkChild(client.execute(addCall({ body: { handle: handleOf(i) } })))
          )
          // Long enough for every call, however the limiter spaces them.
          yield* advance(Duration.millis(4 * c.calls * (c.interval + c.latency)))
          for (const fiber of fibers) expect((yield* Fiber.join(fiber)).status).toBe("accepted")
          const requests = yield* recorder.requests
          const starts = requests.map((request) => request.at)
          expect(starts.length).toBe(c.retried ? 2 * c.calls : c.calls)
          expect(busiestWindow(starts, c.interval)).toBeLessThanOrEqual(c.limit)
          // Not stricter than that: the first `limit` go at once, and without retries the
          // k-th request (from 0) starts at floor(k / limit) × (interval + latency), as soon as the
          // permit freed `interval` after the answer of the request `limit` places before it.
          const first = Math.min(c.limit, starts.length)
          expect(starts.slice(0, first)).toEqual(Array.from({ length: first }, () => 0))
          if (!c.retried) {
            expect(starts).toEqual(starts.map((_, k) => Math.floor(k / c.limit) * (c.interval + c.latency)))
          }
        }).pipe(
          Effect.provide(
            linqLayer(
              (_, index) => {
                const answer = c.retried && index < c.calls ? busy : Answer.accepted()
                return c.latency === 0 ? answer : Answer.delayed(answer, Duration.millis(c.latency))
              },
              { rateLimit: { limit: c.limit, interval: Duration.millis(c.interval) } }
            )
          )
        )
    )
  }

  it.effect("waiting calls are served in the order they asked (FIFO), whichever fiber makes them", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      const fibers: Array<Fiber.Fiber<unknown, unknown>> = []
      for (const i of [0, 1, 2, 3, 4, 5, 6]) {
        fibers.push(yield* Effect.forkChild(client.execute(addCall({ body: { handle: handleOf(i) } }))))
        // Each one asks before the next is made.
        yield* settle
      }
      yield* advance("10 seconds")
      for (const fiber of fibers) yield* Fiber.join(fiber)
      const requests = yield* recorder.requests
      expect(requests.map((request) => (request.body as { handle: string }).handle)).toEqual(
        [0, 1, 2, 3, 4, 5, 6].map(handleOf)
      )
      expect(requests.map((request) => request.at)).toEqual([0, 0, 1000, 1000, 2000, 2000, 3000])
    }).pipe(Effect.provide(linqLayer([Answer.accepted()], { rateLimit: { limit: 2, interval: "1 second" } })))
  )

  it.effect(
    "a call interrupted while it waits takes no permit and frees none: the next in line goes when due",
    () =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        const call = (i: number) =>
          Effect.forkChild(client.execute(addCall({ body: { handle: handleOf(i) } })))
        const first = yield* call(0)
        const second = yield* call(1)
        yield* awaitRequests(recorder, 2)
        const third = yield* call(2)
        yield* settle
        const fourth = yield* call(3)
        yield* settle
        // The third gives up waiting: the fourth still waits for the permit freed at 1 s, no earlier.
        yield* Fiber.interrupt(third)
        yield* settle
        expect(yield* recorder.count).toBe(2)
        yield* TestClock.adjust("999 millis")
        yield* settle
        expect(yield* recorder.count).toBe(2)
        yield* TestClock.adjust("1 millis")
        yield* awaitRequests(recorder, 3)
        const fifth = yield* call(4)
        yield* TestClock.adjust("5 seconds")
        for (const fiber of [first, second, fourth, fifth])
          expect((yield* Fiber.join(fiber)).status).toBe("accepted")
        const requests = yield* recorder.requests
        expect(requests.map((request) => (request.body as { handle: string }).handle)).toEqual(
          [0, 1, 3, 4].map(handleOf)
        )
        expect(requests.map((request) => request.at)).toEqual([0, 0, 1000, 1000])
      }).pipe(
        Effect.provide(linqLayer([Answer.accepted()], { rateLimit: { limit: 2, interval: "1 second" } }))
      )
  )

  it.effect("the wait for a permit is not charged to the attempt's timeout", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      // One permit per 10 s, a 1 s timeout per attempt and answers taking 900 ms: the last call
      // waits about 40 s for its permit and still succeeds.
      const fibers = yield* Effect.forEach([0, 1, 2, 3, 4], (i) =>
        Effect.forkChild(client.execute(addCall({ body: { handle: handleOf(i) }, timeout: "1 second" })))
      )
      yield* advance("2 minutes")
      for (const fiber of fibers) expect((yield* Fiber.join(fiber)).status).toBe("accepted")
      expect((yield* recorder.requests).map((request) => request.at)).toEqual([
        0, 10_900, 21_800, 32_700, 43_600
      ])
    }).pipe(
      Effect.provide(
        linqLayer([Answer.delayed(Answer.accepted(), "900 millis")], {
          rateLimit: { limit: 1, interval: "10 seconds" }
        })
      )
    )
  )

  it.effect("a 429's Retry-After is still obeyed under a rate limit", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      const fiber = yield* Effect.forkChild(client.execute(addCall({ timeout: "1 hour" })))
      yield* awaitRequests(recorder, 1)
      // The limiter has nine more permits: only the retry wait is pending within 60 s.
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

/** The attempts counted so far, by attributes, from the metric registry. */
const attemptCounts = Effect.map(Metric.snapshot, (snapshots) =>
  snapshots
    .filter((snapshot) => snapshot.id === ATTEMPTS_METRIC_NAME)
    .map((snapshot) => ({
      tags: { ...snapshot.attributes },
      count: snapshot.type === "Counter" ? Number(snapshot.state.count) : Number.NaN
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
