/**
 * Fuzzed answers: generated status × headers (junk `Retry-After`,
 * `retry-after-ms`, `x-should-retry`, content types) × bodies (random bytes
 * and strings, JSON, envelopes and success bodies with wrong types, bodies
 * that echo the API key, streams that break off), or a failed connection,
 * one per attempt, from a hand-made `HttpClient`. Retries on (`maxRetries`
 * 2), on the TestClock. Every run ends in success or an error of the
 * documented union, never a defect or an unhandled rejection; the attempt
 * count follows the documented rules; every wait is bounded; the key is in
 * no error, log line or span.
 */
import type { Headers } from "effect/http"
import { HttpClient, HttpClientError, HttpClientResponse } from "effect/http"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ErrorMapping, LinqHttpClient, RetryPolicy } from "@linq-effect/http"
import { recognizeAdd, recognizeRemove } from "../../packages/client/src/internal/recognize.js"
import { FakeLinq } from "@linq-effect/testing"
import { Cause, Clock, Duration, Effect, Exit, Option } from "effect"
import * as fc from "fast-check"
import type { FuzzAnswer } from "./arbitraries.js"
import { answers } from "./arbitraries.js"
import type { Capture, Operation } from "./helpers.js"
import {
  API_KEY,
  captured,
  DOCUMENTED_TAGS,
  drive,
  leaksOf,
  makeCapture,
  OPERATIONS,
  outcomeOf,
  renderExit,
  runOperation
} from "./helpers.js"

const RUNS = 600
const RETRY_RUNS = 150
const MAX_RETRIES = 2
/** Distinct from every wait (see `drive`). */
const TIMEOUT_MS = 45_000
const MAX_RETRY_AFTER_MS = Duration.toMillis(RetryPolicy.MAX_RETRY_AFTER)

const CHAT = FakeLinq.chats.iMessageGroup
const HANDLE = FakeLinq.handles.newcomer

/** Statuses a web `Response` must have no body with. */
const NULL_BODY = new Set([204, 205, 304])

const toWeb = (answer: Extract<FuzzAnswer, { _tag: "Answer" }>): Response => {
  const body = answer.body
  const payload = NULL_BODY.has(answer.status)
    ? null
    : body._tag === "Text"
      ? body.text
      : body._tag === "Bytes"
        ? new Blob([body.bytes.slice()])
        : new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(body.bytes.slice())
              controller.error(new Error("socket hang up"))
            }
          })
  return new Response(payload, { status: answer.status, headers: answer.headers })
}

/** What one attempt was answered with, as the SDK saw it. */
interface Seen {
  readonly at: number
  readonly answer: FuzzAnswer
  readonly headers: Headers.Headers | undefined
}

/** An `HttpClient` answering attempt n with `answers[n]` (the last one repeats). */
const answering = (script: ReadonlyArray<FuzzAnswer>, seen: Array<Seen>) =>
  HttpClient.make((request) =>
    Effect.gen(function* () {
      const at = yield* Clock.currentTimeMillis
      const answer = script[Math.min(seen.length, script.length - 1)] ?? { _tag: "TransportError" }
      if (answer._tag === "TransportError") {
        seen.push({ at, answer, headers: undefined })
        return yield* Effect.fail(
          new HttpClientError.HttpClientError({
            reason: new HttpClientError.TransportError({ request, description: "connection reset by peer" })
          })
        )
      }
      const response = HttpClientResponse.fromWeb(request, toWeb(answer))
      seen.push({ at, answer, headers: response.headers })
      return response
    })
  )

/**
 * Whether the documented rules retry after this answer: connection errors
 * and broken bodies yes; 2xx never; a recognised rule violation never;
 * otherwise `x-should-retry: true|false`, else 408, 409, 429 and 5xx.
 */
const retriedAfter = (op: Operation, seen: Seen): boolean => {
  const { answer, headers } = seen
  if (answer._tag === "TransportError" || headers === undefined) return true
  if (answer.body._tag === "Broken" && !NULL_BODY.has(answer.status)) return true
  if (answer.status >= 200 && answer.status < 300) return false
  const text = NULL_BODY.has(answer.status)
    ? ""
    : answer.body._tag === "Text"
      ? answer.body.text
      : new TextDecoder().decode(answer.body.bytes)
  const read = ErrorMapping.readAnswer(answer.status, text, Option.none())
  const violation =
    op === "add"
      ? Option.isSome(recognizeAdd(CHAT, HANDLE)(read))
      : Option.isSome(recognizeRemove(CHAT, HANDLE)(read))
  if (violation) return false
  const header = headers["x-should-retry"]
  if (header === "true") return true
  if (header === "false") return false
  return RetryPolicy.isRetryableStatus(answer.status)
}

const hasRetryHint = (seen: Seen) =>
  seen.headers !== undefined &&
  (seen.headers["retry-after"] !== undefined || seen.headers["retry-after-ms"] !== undefined)

const check = (op: Operation, script: ReadonlyArray<FuzzAnswer>, capture: Capture, maxRetries: number) =>
  Effect.gen(function* () {
    capture.clear()
    const seen: Array<Seen> = []
    const linq = yield* LinqHttpClient.make({
      apiKey: API_KEY,
      maxRetries,
      timeout: Duration.millis(TIMEOUT_MS)
    }).pipe(Effect.provideService(HttpClient.HttpClient, answering(script, seen)))
    const call = runOperation(op, CHAT, HANDLE).pipe(Effect.provideService(LinqHttpClient, linq), Effect.exit)
    // Without retries nothing waits; with them, the TestClock runs the waits.
    const exit = maxRetries === 0 ? yield* call : yield* drive(call, { timeoutMs: TIMEOUT_MS })
    const outcome = outcomeOf(op, exit)

    // Success or a documented error; never a defect.
    expect(outcome === "success" || DOCUMENTED_TAGS[op].has(outcome), outcome).toBe(true)

    // The attempt count follows the documented rules.
    let expected = 1
    while (
      expected <= maxRetries &&
      seen[expected - 1] !== undefined &&
      retriedAfter(op, seen[expected - 1]!)
    ) {
      expected++
    }
    expect(seen.length).toBe(expected)

    // Every wait is bounded: at most the 60 s cap on a server's hint, else the back-off.
    seen.slice(1).forEach((attempt, i) => {
      // (Clock times are fractional, so allow for rounding.)
      const wait = Math.round((attempt.at - (seen[i]?.at ?? 0)) * 1000) / 1000
      expect(wait).toBeGreaterThanOrEqual(0)
      expect(wait).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS)
      const previous = seen[i]
      if (previous !== undefined && !hasRetryHint(previous)) {
        expect(wait).toBeGreaterThanOrEqual(0.75 * 500 * 2 ** i)
        expect(wait).toBeLessThanOrEqual(500 * 2 ** i)
      }
    })

    // The key is nowhere, the handle in no log line or span.
    const texts = [...capture.logs, ...capture.spanTexts()]
    expect(leaksOf(API_KEY, [...renderExit(exit), ...texts])).toEqual([])
    expect(leaksOf(HANDLE, texts)).toEqual([])
  })

const unhandled: Array<unknown> = []
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason)
}
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled)
})
afterAll(() => {
  process.off("unhandledRejection", onUnhandled)
})

const cases = [
  { maxRetries: 0, runs: RUNS, title: "one answer, maxRetries 0" },
  {
    maxRetries: MAX_RETRIES,
    runs: RETRY_RUNS,
    title: `an answer per attempt, maxRetries ${MAX_RETRIES} on the TestClock`
  }
] as const

describe("fuzzed answers", () => {
  for (const op of OPERATIONS) {
    for (const { maxRetries, runs, title } of cases) {
      it.effect(`${op}: status × headers × body, or a failed connection; ${title} (${runs} runs)`, () =>
        Effect.gen(function* () {
          const capture = makeCapture()
          const context = yield* captured(capture)(Effect.context<never>())
          const run = Effect.runPromiseExitWith(context)
          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(
                maxRetries === 0 ? answers.map((a) => a.slice(0, 1)) : answers,
                async (script) => {
                  const exit = await run(check(op, script, capture, maxRetries))
                  if (Exit.isFailure(exit)) throw new Error(Cause.pretty(exit.cause))
                }
              ),
              { numRuns: runs }
            )
          )
          // Let any stray promise settle, then: no unhandled rejection.
          yield* Effect.promise(() => new Promise((r) => setTimeout(r, 20)))
          expect(unhandled).toEqual([])
        })
      )
    }
  }
})
