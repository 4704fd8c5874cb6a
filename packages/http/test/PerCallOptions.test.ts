/**
 * A call's own `timeout` and `maxRetries` are checked as the layer's are: a
 * bad one is refused before anything is sent, with a typed `InvalidOption`
 * naming it (it used to be clamped, then to fail every attempt, then a defect).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { LinqHttpClient } from "../src/index.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import { addCall, linqLayer } from "./testkit.js"

describe("per-call timeout and maxRetries", () => {
  for (const [name, overrides, option, input, message] of [
    [
      "maxRetries: -1",
      { maxRetries: -1 },
      "maxRetries",
      "-1",
      /maxRetries must be a whole number >= 0, got -1/
    ],
    [
      "maxRetries: 1.5",
      { maxRetries: 1.5 },
      "maxRetries",
      "1.5",
      /maxRetries must be a whole number >= 0, got 1.5/
    ],
    ["timeout: 0", { timeout: 0 }, "timeout", "0", /timeout must be longer than zero/],
    [
      'timeout: "0 seconds"',
      { timeout: "0 seconds" },
      "timeout",
      "0 seconds",
      /timeout must be longer than zero/
    ],
    ['timeout: "soon"', { timeout: "soon" as never }, "timeout", "soon", /is not a duration/]
  ] as const) {
    it.effect(`${name} is refused, sending nothing`, () =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        const error = yield* Effect.flip(client.execute(addCall(overrides)))
        expect(error._tag).toBe("InvalidOption")
        if (error._tag === "InvalidOption") {
          expect(error.option).toBe(option)
          expect(error.input).toBe(input)
          expect(error.reason).toMatch(message)
        }
        expect(yield* recorder.count).toBe(0)
      }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
    )
  }
})
