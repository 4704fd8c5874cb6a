/**
 * addParticipants, removeParticipants and syncParticipants as a caller, a
 * JavaScript one included, can call them, seen from FakeLinq:
 * - `concurrency`: what Effect takes (a whole number >= 1, `"unbounded"`, and
 *   `Infinity` for the same) is the number of changes in flight at the fake
 *   (each change answered after a one-second delay on the test clock, so
 *   the changes in flight together arrive at the same instant); any other
 *   value is one `InvalidOption` and nothing is sent;
 * - a lone string where the list of handles goes is one `InvalidHandle` for
 *   the whole string (not one per character), and nothing is sent.
 */
import { describe, expect, it } from "@effect/vitest"
import { addParticipants, removeParticipants, syncParticipants } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import type { FakeSeed } from "@linq-effect/testing"
import { FakeLinq, Fault } from "@linq-effect/testing"
import { Effect, Exit, Fiber, Layer, Result } from "effect"
import { TestClock } from "effect/testing"
import { API_KEY } from "./helpers.js"

const GROUP = "5b0c3e1a-8f2d-4c6b-9a7e-1d2f3a4b5c6d"
const ME = "+13035550000"
const memberOf = (i: number) => `+1303555${String(1000 + i).padStart(4, "0")}`
const outsiderOf = (i: number) => `+1404555${String(1000 + i).padStart(4, "0")}`
const MEMBERS = Array.from({ length: 70 }, (_, i) => memberOf(i))

const seed: FakeSeed = {
  chats: [{ id: GROUP, service: "iMessage", handles: [{ handle: ME, is_me: true }, ...MEMBERS] }]
}

/** The SDK over an in-process FakeLinq that applies changes at once and answers each after 1 s. */
const sdk = LinqHttpClient.layer({ apiKey: API_KEY, maxRetries: 0 }).pipe(
  Layer.provideMerge(FakeLinq.layer(seed, { queueDelay: 0 }))
)

/** Lets fibers waiting on real promises (the in-process bodies) get going. */
const settle = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 2)))

/**
 * Runs `call` with every change to `route` answered after one second, and
 * returns how many of them arrived together, wave after wave.
 */
const waves = <A, E>(call: Effect.Effect<A, E, LinqHttpClient>, route: "add" | "remove") =>
  Effect.gen(function* () {
    const fake = yield* FakeLinq
    yield* fake.inject(Fault.delay("1 second"), { route, times: "always" })
    const fiber = yield* Effect.forkChild(call)
    for (let i = 0; i < 200 && fiber.pollUnsafe() === undefined; i++) {
      yield* settle
      yield* TestClock.adjust("1 second")
    }
    const exit = yield* Fiber.await(fiber)
    expect(Exit.isSuccess(exit)).toBe(true)
    const counts = new Map<number, number>()
    for (const entry of yield* fake.journal) {
      if (entry.route === route) counts.set(entry.at, (counts.get(entry.at) ?? 0) + 1)
    }
    return [...counts.entries()].sort(([a], [b]) => a - b).map(([, n]) => n)
  })

/** `count` waves of `size`, then what is left of `total`. */
const expected = (total: number, size: number): ReadonlyArray<number> =>
  Array.from({ length: Math.ceil(total / size) }, (_, i) => Math.min(size, total - i * size))

type Concurrency = number | "unbounded" | undefined

const good: ReadonlyArray<{
  readonly concurrency: Concurrency
  readonly total: number
  readonly size: number
}> = [
  { concurrency: Number.POSITIVE_INFINITY, total: 60, size: 60 },
  { concurrency: "unbounded", total: 60, size: 60 },
  { concurrency: 1, total: 6, size: 1 },
  { concurrency: 2, total: 12, size: 2 },
  { concurrency: 5, total: 12, size: 5 },
  { concurrency: 50, total: 60, size: 50 },
  { concurrency: undefined, total: 12, size: 4 }
]

/** What a JavaScript caller (or a value computed at run time) can pass. */
const bad: ReadonlyArray<unknown> = [
  0,
  -1,
  -4,
  Number.NaN,
  1.5,
  0.5,
  Number.NEGATIVE_INFINITY,
  "4",
  "Unbounded",
  null
]

const label = (value: unknown) =>
  value === undefined
    ? "not given (the default)"
    : typeof value === "string"
      ? JSON.stringify(value)
      : String(value)
const options = (concurrency: Concurrency) => (concurrency === undefined ? {} : { concurrency })

/** A value the types refuse, passed as a JS caller would. */
const asJs = <T>(value: unknown): T => value as T

describe("concurrency, as the fake sees it", () => {
  for (const { concurrency, total, size } of good) {
    it.effect(`addParticipants, concurrency ${label(concurrency)}: ${size} adds in flight at once`, () =>
      Effect.gen(function* () {
        const handles = Array.from({ length: total }, (_, i) => outsiderOf(i))
        const seen = yield* waves(
          addParticipants(GROUP, handles, { rules: "server", ...options(concurrency) }),
          "add"
        )
        expect(seen).toEqual(expected(total, size))
      }).pipe(Effect.provide(sdk))
    )

    it.effect(
      `removeParticipants, concurrency ${label(concurrency)}: ${size} removals in flight at once`,
      () =>
        Effect.gen(function* () {
          const seen = yield* waves(
            removeParticipants(GROUP, MEMBERS.slice(0, total), { rules: "server", ...options(concurrency) }),
            "remove"
          )
          expect(seen).toEqual(expected(total, size))
        }).pipe(Effect.provide(sdk))
    )

    it.effect(`syncParticipants, concurrency ${label(concurrency)}: ${size} adds in flight at once`, () =>
      Effect.gen(function* () {
        const newcomers = Array.from({ length: total }, (_, i) => outsiderOf(i))
        const seen = yield* waves(
          syncParticipants(GROUP, [...MEMBERS, ...newcomers], options(concurrency)),
          "add"
        )
        expect(seen).toEqual(expected(total, size))
      }).pipe(Effect.provide(sdk))
    )
  }

  for (const value of bad) {
    it.effect(`concurrency ${label(value)}: InvalidOption from each operation, nothing sent`, () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        const concurrency = asJs<number>(value)
        const handles = [outsiderOf(0), outsiderOf(1)]
        const errors = [
          yield* Effect.flip(addParticipants(GROUP, handles, { concurrency })),
          yield* Effect.flip(removeParticipants(GROUP, MEMBERS.slice(0, 2), { concurrency })),
          yield* Effect.flip(syncParticipants(GROUP, [...MEMBERS, ...handles], { concurrency }))
        ]
        for (const error of errors) {
          expect(error._tag).toBe("InvalidOption")
          if (error._tag !== "InvalidOption") continue
          expect(error.option).toBe("concurrency")
          expect(error.input).toBe(label(value))
          expect(error.message).toBe(
            `Invalid option concurrency: concurrency must be a whole number >= 1, or "unbounded" (or Infinity) for no limit; got ${label(value)}`
          )
        }
        expect(yield* fake.journal).toEqual([])
      }).pipe(Effect.provide(sdk))
    )
  }
})

describe("a lone string where the list of handles goes (a JavaScript caller)", () => {
  const strings = [
    "+442071234567",
    "ana@example.com",
    "Ana.Lopez+news@Example.co.uk",
    "",
    "+1 (205) 249-9136"
  ]
  const reason = "expected a list of handles, got a single string"

  for (const input of strings) {
    it.effect(`${JSON.stringify(input)}: one InvalidHandle for the whole string, nothing sent`, () =>
      Effect.gen(function* () {
        const fake = yield* FakeLinq
        const handles = asJs<ReadonlyArray<string>>(input)
        const outcomes: ReadonlyArray<
          ReadonlyArray<{ readonly handle: string; readonly result: Result.Result<unknown, unknown> }>
        > = [yield* addParticipants(GROUP, handles), yield* removeParticipants(GROUP, handles)]
        for (const outcome of outcomes) {
          expect(outcome.length).toBe(1)
          const [only] = outcome
          expect(only?.handle).toBe(input)
          const error = only !== undefined && Result.isFailure(only.result) ? only.result.failure : undefined
          expect(error).toMatchObject({ _tag: "InvalidHandle", input, reason })
        }
        const error = yield* Effect.flip(syncParticipants(GROUP, handles))
        expect(error).toMatchObject({ _tag: "InvalidHandle", input, reason })
        expect(yield* fake.journal).toEqual([])
      }).pipe(Effect.provide(sdk))
    )
  }
})
