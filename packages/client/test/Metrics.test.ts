/**
 * The operation metrics, read back with `Metric.value` and `Metric.snapshot`:
 * calls by operation and outcome, durations on the fiber's clock, and no
 * handle, chat id or key in any tag. Metrics are process-wide, so every
 * check is a difference before/after.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Metric } from "effect"
import { Answer } from "../../http/test/RecordingHttpClient.js"
import { advanceUntil, API_KEY, CHAT_ID, linqLayer } from "../../http/test/testkit.js"
import { addParticipant, addParticipants, callDuration, callsTotal, getChat } from "../src/index.js"
import { ALICE, BOB, group, routes } from "./membership.js"

const calls = (operation: string, outcome: string) =>
  Effect.map(Metric.value(Metric.withAttributes(callsTotal, { operation, outcome })), (s) => s.count)
const durations = (operation: string) => Metric.value(Metric.withAttributes(callDuration, { operation }))

/** How much each counted value grew while `effect` ran. */
const growth = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  counters: ReadonlyArray<readonly [string, string]>
) =>
  Effect.gen(function* () {
    const before = yield* Effect.forEach(counters, ([op, outcome]) => calls(op, outcome))
    yield* Effect.exit(effect)
    const after = yield* Effect.forEach(counters, ([op, outcome]) => calls(op, outcome))
    return Object.fromEntries(
      counters.map(([op, outcome], i) => [`${op}/${outcome}`, after[i]! - before[i]!])
    )
  })

describe("linq_client_calls_total", () => {
  it.effect("one per call, tagged by operation and outcome (success or the error's tag)", () =>
    Effect.gen(function* () {
      const counters = [
        ["addParticipant", "success"],
        ["addParticipant", "InvalidRequest"],
        ["addParticipant", "InvalidHandle"],
        ["getChat", "success"]
      ] as const
      expect(yield* growth(addParticipant(CHAT_ID, { handle: ALICE }), counters)).toEqual({
        "addParticipant/success": 1,
        "addParticipant/InvalidRequest": 0,
        "addParticipant/InvalidHandle": 0,
        "getChat/success": 0
      })
      // Refused with a vague 400: diagnosed with a chat read that finds nothing.
      expect(yield* growth(addParticipant(CHAT_ID, { handle: BOB }), counters)).toEqual({
        "addParticipant/success": 0,
        "addParticipant/InvalidRequest": 1,
        "addParticipant/InvalidHandle": 0,
        "getChat/success": 1
      })
      expect(yield* growth(addParticipant(CHAT_ID, { handle: "nope" }), counters)).toMatchObject({
        "addParticipant/InvalidHandle": 1
      })
    }).pipe(
      Effect.provide(
        linqLayer(
          routes({
            add: [Answer.accepted(), Answer.envelope(400, { code: 1005, message: "Bad request" })],
            chat: [Answer.json(200, group([ALICE, "+15550000009"], "SMS"))]
          }),
          { maxRetries: 0 }
        )
      )
    )
  )

  it.effect("a batch counts once, and each of its calls as the operation it is", () =>
    Effect.gen(function* () {
      const grown = yield* growth(addParticipants(CHAT_ID, [ALICE, BOB, ALICE, "bad"]), [
        ["addParticipants", "success"],
        ["addParticipant", "success"]
      ])
      expect(grown).toEqual({ "addParticipants/success": 1, "addParticipant/success": 2 })
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )
})

describe("linq_client_call_duration_ms", () => {
  it.effect("the call's time on the fiber's clock", () =>
    Effect.gen(function* () {
      const before = yield* durations("getChat")
      const fiber = yield* Effect.forkChild(getChat(CHAT_ID))
      yield* advanceUntil(
        Effect.sync(() => fiber.pollUnsafe() !== undefined),
        "the read ending"
      )
      yield* Fiber.join(fiber)
      const after = yield* durations("getChat")
      expect(after.count - before.count).toBe(1)
      // The answer came after 10 s of the test clock.
      expect(after.sum - before.sum).toBe(10_000)
    }).pipe(Effect.provide(linqLayer([Answer.delayed(Answer.json(200, group([ALICE, BOB])), "10 seconds")])))
  )
})

describe("tags", () => {
  it.effect("only operation and outcome, never a handle, chat id or key", () =>
    Effect.gen(function* () {
      yield* Effect.exit(addParticipant(CHAT_ID, { handle: ALICE }))
      yield* Effect.exit(getChat(CHAT_ID))
      const ours = (yield* Metric.snapshot).filter((pair) => pair.id.startsWith("linq_client_"))
      expect(ours.length).toBeGreaterThan(0)
      for (const pair of ours) {
        const tags = pair.attributes ?? {}
        expect(Object.keys(tags).sort()).toEqual(
          pair.id === "linq_client_calls_total" ? ["operation", "outcome"] : ["operation"]
        )
        const text = JSON.stringify(tags)
        for (const secret of [ALICE, CHAT_ID, API_KEY]) expect(text).not.toContain(secret)
      }
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )
})
