/**
 * addParticipants / removeParticipants: one outcome per input in input
 * order, duplicates sent once, invalid handles their own outcome, bounded
 * concurrency, and only an invalid chat id failing the batch.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Result } from "effect"
import { Answer, Recorder } from "../../http/test/RecordingHttpClient.js"
import { advanceUntil, CHAT_ID, linqLayer } from "../../http/test/testkit.js"
import { addParticipants, DEFAULT_CONCURRENCY, removeParticipants } from "../src/index.js"
import { ALICE, BOB, CAROL, DAVE, ERIN, handleOf, removed } from "./membership.js"

const tags = (
  outcomes: ReadonlyArray<{
    readonly handle: string
    readonly result: Result.Result<unknown, { readonly _tag: string }>
  }>
) => outcomes.map(({ handle, result }) => [handle, Result.isSuccess(result) ? "ok" : result.failure._tag])

describe("addParticipants", () => {
  it.effect("one outcome per input, in input order; duplicates sent once; invalid handles not sent", () =>
    Effect.gen(function* () {
      const input = [ALICE, "555 0100", BOB, ALICE, DAVE, "Dave@Example.com", "", CAROL]
      const outcomes = yield* addParticipants(CHAT_ID, input, { rules: "server" })
      expect(tags(outcomes)).toEqual([
        [ALICE, "ok"],
        ["555 0100", "InvalidHandle"],
        [BOB, "InvalidRequest"],
        [ALICE, "ok"],
        [DAVE, "ok"],
        ["Dave@Example.com", "ok"],
        ["", "InvalidHandle"],
        [CAROL, "ParticipantAlreadyInChat"]
      ])
      // Both entries of a duplicate share the one call's outcome.
      expect(outcomes[3]!.result).toBe(outcomes[0]!.result)
      const sent = (yield* (yield* Recorder).requests).map(handleOf).sort()
      expect(sent).toEqual([ALICE, BOB, CAROL, DAVE].sort())
    }).pipe(
      Effect.provide(
        linqLayer(
          (request) => {
            const handle = handleOf(request)
            if (handle === BOB) return Answer.envelope(400, { code: 1005, message: "Bad request" })
            if (handle === CAROL)
              return Answer.envelope(409, { message: "Participant is already in this chat" })
            return Answer.accepted(`trace-${handle}`)
          },
          { maxRetries: 0 }
        )
      )
    )
  )

  it.effect("an invalid chat id fails the batch, and nothing is sent", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(addParticipants("a/b", [ALICE, BOB]))
      expect(error._tag).toBe("InvalidChatId")
      expect(yield* (yield* Recorder).count).toBe(0)
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )

  it.effect("nothing but invalid handles: every outcome InvalidHandle, nothing sent", () =>
    Effect.gen(function* () {
      const outcomes = yield* addParticipants(CHAT_ID, ["x", "+0123"])
      expect(tags(outcomes)).toEqual([
        ["x", "InvalidHandle"],
        ["+0123", "InvalidHandle"]
      ])
      expect(yield* (yield* Recorder).count).toBe(0)
    }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
  )

  /** The number of requests sent at each moment of the test clock: the calls in flight together. */
  const inFlight = (concurrency: number | "unbounded" | undefined, handles: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(
        addParticipants(CHAT_ID, handles, concurrency === undefined ? {} : { concurrency })
      )
      yield* advanceUntil(
        Effect.sync(() => fiber.pollUnsafe() !== undefined),
        "the batch ending"
      )
      const outcomes = yield* Fiber.join(fiber)
      expect(outcomes.every((o) => Result.isSuccess(o.result))).toBe(true)
      const waves = new Map<number, number>()
      for (const r of yield* (yield* Recorder).requests) waves.set(r.at, (waves.get(r.at) ?? 0) + 1)
      return [...waves.values()]
    }).pipe(Effect.provide(linqLayer([Answer.delayed(Answer.accepted(), "10 seconds")])))

  const six = [ALICE, BOB, CAROL, DAVE, ERIN, "+15550000007"]

  it.effect("concurrency bounds the calls in flight", () =>
    Effect.gen(function* () {
      expect(yield* inFlight(2, six)).toEqual([2, 2, 2])
      expect(yield* inFlight(1, six.slice(0, 3))).toEqual([1, 1, 1])
    })
  )

  it.effect(
    `the default concurrency is ${DEFAULT_CONCURRENCY}; "unbounded" and Infinity send all at once`,
    () =>
      Effect.gen(function* () {
        expect(DEFAULT_CONCURRENCY).toBe(4)
        expect(yield* inFlight(undefined, six)).toEqual([4, 2])
        expect(yield* inFlight("unbounded", six)).toEqual([6])
        expect(yield* inFlight(Number.POSITIVE_INFINITY, six)).toEqual([6])
      })
  )

  for (const concurrency of [0, -1, Number.NaN, 1.5, Number.NEGATIVE_INFINITY]) {
    it.effect(`concurrency ${concurrency} fails the batch with InvalidOption, and nothing is sent`, () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(addParticipants(CHAT_ID, six, { concurrency }))
        expect(error._tag).toBe("InvalidOption")
        if (error._tag === "InvalidOption") {
          expect([error.option, error.input]).toEqual(["concurrency", String(concurrency)])
          expect(error.message).toContain("whole number >= 1")
        }
        expect(yield* (yield* Recorder).count).toBe(0)
      }).pipe(Effect.provide(linqLayer([Answer.accepted()])))
    )
  }
})

describe("removeParticipants", () => {
  it.effect("DELETEs each distinct valid handle once, outcomes in input order", () =>
    Effect.gen(function* () {
      const outcomes = yield* removeParticipants(CHAT_ID, [BOB, "nope", BOB, ALICE], { rules: "server" })
      expect(tags(outcomes)).toEqual([
        [BOB, "ok"],
        ["nope", "InvalidHandle"],
        [BOB, "ok"],
        [ALICE, "ParticipantNotInChat"]
      ])
      const requests = yield* (yield* Recorder).requests
      expect(requests.map((r) => [r.method, handleOf(r)]).sort()).toEqual([
        ["DELETE", ALICE],
        ["DELETE", BOB]
      ])
    }).pipe(
      Effect.provide(
        linqLayer((request) =>
          handleOf(request) === ALICE
            ? Answer.envelope(400, { message: "Participant is not in this chat" })
            : removed()
        )
      )
    )
  )
})
