/**
 * Per-call headers (`LinqRequest.headers`): sent with that call only, on
 * every attempt, over the client's; never replacing `Authorization`, in any
 * spelling; a bad one refused before anything is sent.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { LinqHttpClient } from "../src/index.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import { API_KEY, addCall, linqLayer } from "./testkit.js"

const retried = [Answer.envelope(503, { message: "busy" }, "t", { "retry-after-ms": "0" }), Answer.accepted()]

describe("per-call headers", () => {
  it.effect("are sent on every attempt of that call only, over the client's", () =>
    Effect.gen(function* () {
      const client = yield* LinqHttpClient
      const recorder = yield* Recorder
      yield* client.execute(addCall({ headers: { "Idempotency-Key": "idem-1", "X-Team": "call" } }))
      yield* client.execute(addCall())
      const [first, second, third] = yield* recorder.requests
      for (const request of [first, second]) {
        expect(request?.headers["idempotency-key"]).toBe("idem-1")
        expect(request?.headers["x-team"]).toBe("call")
        expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`)
        expect(request?.headers.accept).toBe("application/json")
      }
      expect(third?.headers["idempotency-key"]).toBeUndefined()
      expect(third?.headers["x-team"]).toBe("layer")
    }).pipe(Effect.provide(linqLayer([...retried, Answer.accepted()], { headers: { "X-Team": "layer" } })))
  )

  for (const name of ["Authorization", "authorization", "AUTHORIZATION", "aUtHoRiZaTiOn"]) {
    it.effect(`cannot replace Authorization (${name})`, () =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        yield* client.execute(addCall({ headers: { [name]: "Bearer someone-else", "X-Request-Id": "r-1" } }))
        const request = yield* recorder.request(0)
        expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`)
        expect(request.headers["x-request-id"]).toBe("r-1")
      }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
    )
  }

  for (const [what, headers] of [
    ["a value with a line break", { "X-Request-Id": "r-1\r\nX-Evil: 1" }],
    ["a name with a space", { "X Request": "r-1" }]
  ] as const) {
    it.effect(`${what} is refused, sending nothing`, () =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        const error = yield* Effect.flip(client.execute(addCall({ headers })))
        expect(error._tag).toBe("InvalidOption")
        if (error._tag === "InvalidOption") {
          expect(error.option).toBe("headers")
          expect(error.reason).toMatch(/header/)
          // The value may be a credential of the caller's: it is not repeated.
          expect(error.input).toBe("(not shown)")
          expect(error.message).not.toContain("r-1")
        }
        expect(yield* recorder.count).toBe(0)
      }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
    )
  }
})
