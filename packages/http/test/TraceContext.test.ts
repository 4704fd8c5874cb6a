/**
 * Trace context: every attempt carries the current span's `traceparent` and
 * `b3` headers (the SDK's own span, child of the caller's), so that Linq
 * support can correlate a call, although the platform's per-attempt client
 * span is off. `HttpClient.TracerPropagationEnabled` set to `false` (the
 * platform's switch) turns it off.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { HttpClient } from "effect/http"
import { LinqHttpClient } from "../src/index.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import { addCall, linqLayer } from "./testkit.js"

/** A 503 the client retries at once (the server asks for no wait), then success. */
const script = [
  Answer.envelope(503, { message: "busy" }, "trace-1", { "retry-after-ms": "0" }),
  Answer.accepted()
]

describe("trace context", () => {
  it.effect("every attempt sends traceparent and b3 of the SDK's span, in the caller's trace", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      const caller = yield* Effect.withSpan(
        Effect.flatMap(Effect.currentSpan, (span) => Effect.as(client.execute(addCall()), span)),
        "caller"
      )
      const requests = yield* recorder.requests
      expect(requests).toHaveLength(2)
      for (const request of requests) {
        const traceparent = request.headers.traceparent ?? ""
        const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(traceparent)
        expect(match, `traceparent ${JSON.stringify(traceparent)}`).not.toBeNull()
        expect(match?.[1]).toBe(caller.traceId)
        // The SDK's span, not the caller's: a child of it.
        expect(match?.[2]).not.toBe(caller.spanId)
        expect(request.headers.b3).toMatch(
          new RegExp(`^${caller.traceId}-${match?.[2]}-[01]-${caller.spanId}$`)
        )
      }
    }).pipe(Effect.provide(linqLayer(script)))
  )

  it.effect("a call outside any span still sends the SDK span's context", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      yield* client.execute(addCall())
      const request = yield* recorder.request(0)
      expect(request.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
      expect(request.headers.b3).toBeDefined()
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )

  it.effect("TracerPropagationEnabled false sends no trace headers", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      yield* client.execute(addCall()).pipe(Effect.provideService(HttpClient.TracerPropagationEnabled, false))
      const request = yield* recorder.request(0)
      expect(request.headers.traceparent).toBeUndefined()
      expect(request.headers.b3).toBeUndefined()
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )
})
