import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { LinqHttpClient } from "../src/index.js"
import type { Answer as AnswerT } from "./RecordingHttpClient.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import {
  API_KEY,
  addCall,
  captureLogs,
  captureSpans,
  advanceUntil,
  HANDLE,
  linqLayer,
  RULE_TEXTS
} from "./testkit.js"

const kinds: ReadonlyArray<{ readonly name: string; readonly answer: AnswerT; readonly tag: string }> = [
  {
    name: "Unauthorized",
    answer: Answer.envelope(401, { code: 2004, message: "Unauthorized" }),
    tag: "Unauthorized"
  },
  { name: "ConnectionError", answer: Answer.transportFailure(), tag: "ConnectionError" },
  { name: "RequestTimeout", answer: Answer.never, tag: "RequestTimeout" },
  { name: "UnexpectedResponse", answer: Answer.text(200, "<html>oops</html>"), tag: "UnexpectedResponse" },
  { name: "ServerError (HTML)", answer: Answer.text(502, "<html>Bad gateway</html>"), tag: "ServerError" },
  {
    name: "RateLimited",
    answer: Answer.envelope(429, { code: 1007, message: "Slow down" }, "t", { "retry-after": "5" }),
    tag: "RateLimited"
  },
  {
    name: "a rule violation",
    answer: Answer.envelope(409, { code: 1005, message: RULE_TEXTS.already }),
    tag: "ParticipantAlreadyInChat"
  }
]

describe("no secrets or personal data leak", () => {
  it.effect.each(kinds)(
    "$name: the key is in no error text, and neither key nor handle in logs or spans",
    ({ answer, tag }) => {
      const logs = captureLogs()
      const spans = captureSpans()
      return Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        const fiber = yield* Effect.forkChild(client.execute(addCall()))
        yield* advanceUntil(
          Effect.sync(() => fiber.pollUnsafe() !== undefined),
          "the call ending"
        )
        expect(yield* recorder.count).toBe(2)
        const exit = yield* Fiber.await(fiber)
        expect(Exit.isFailure(exit)).toBe(true)
        if (!Exit.isFailure(exit)) return
        const error = yield* Effect.flip(exit)
        expect(error._tag).toBe(tag)

        // The key was sent …
        expect((yield* recorder.request(0)).headers.authorization).toBe(`Bearer ${API_KEY}`)
        // … and appears in no rendering of the error.
        for (const text of [
          error.message,
          String(error),
          JSON.stringify(error),
          inspect(error, { depth: 10 }),
          Cause.pretty(exit.cause)
        ]) {
          expect(text).not.toContain(API_KEY)
        }

        // Logs were written at debug level, and hold neither the key nor the handle.
        expect(logs.lines.some((line) => line.startsWith("DEBUG") && line.includes("attempt 1 failed"))).toBe(
          true
        )
        for (const line of logs.lines) {
          expect(line).not.toContain(API_KEY)
          expect(line).not.toContain(HANDLE)
        }
        // Spans neither.
        const dumped = spans.dump()
        expect(dumped.length).toBeGreaterThan(0)
        for (const span of dumped) {
          expect(span).not.toContain(API_KEY)
          expect(span).not.toContain(HANDLE)
        }
      }).pipe(
        // a retry first (so that debug lines of failed attempts exist), then the answer under test
        Effect.provide(Layer.mergeAll(linqLayer([Answer.transportFailure(), answer], { maxRetries: 1 }))),
        Effect.provide(Layer.merge(logs.layer, spans.layer))
      )
    }
  )

  it.effect("the request span carries method, path template, status and attempts", () => {
    const spans = captureSpans()
    return Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const fiber = yield* Effect.forkChild(client.execute(addCall()))
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      const span = spans.spans.find((s) => s.name === "Linq POST /v3/chats/{chatId}/participants")
      expect(span).toBeDefined()
      if (span === undefined) return
      expect(span.kind).toBe("client")
      expect(Object.fromEntries(span.attributes)).toMatchObject({
        "http.request.method": "POST",
        "url.template": "/v3/chats/{chatId}/participants",
        "http.response.status_code": 202,
        "linq.attempts": 2
      })
    }).pipe(
      Effect.provide(linqLayer([Answer.envelope(503, { message: "busy" }), Answer.accepted()])),
      Effect.provide(spans.layer)
    )
  })
})
