/**
 * A call's own `timeout` and `maxRetries` are checked as the layer's are: a
 * bad one is refused before anything is sent (it used to be clamped, or to
 * fail every attempt).
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect } from "effect"
import { LinqHttpClient } from "../src/index.js"
import { Answer, Recorder } from "./RecordingHttpClient.js"
import { addCall, linqLayer } from "./testkit.js"

describe("per-call timeout and maxRetries", () => {
  for (const [name, overrides, message] of [
    ["maxRetries: -1", { maxRetries: -1 }, /maxRetries must be a whole number >= 0, got -1/],
    ["maxRetries: 1.5", { maxRetries: 1.5 }, /maxRetries must be a whole number >= 0, got 1.5/],
    ["timeout: 0", { timeout: 0 }, /timeout must be longer than zero/],
    ['timeout: "0 seconds"', { timeout: "0 seconds" }, /timeout must be longer than zero/]
  ] as const) {
    it.effect(`${name} is refused, sending nothing`, () =>
      Effect.gen(function* () {
        const client = yield* LinqHttpClient
        const recorder = yield* Recorder
        const exit = yield* Effect.exit(client.execute(addCall(overrides)))
        expect(exit._tag === "Failure" && Cause.hasDies(exit.cause)).toBe(true)
        if (exit._tag === "Failure") expect(Cause.pretty(exit.cause)).toMatch(message)
        expect(yield* recorder.count).toBe(0)
      }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
    )
  }
})
