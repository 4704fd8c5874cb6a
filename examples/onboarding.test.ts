/**
 * Example: a user's own test, written with FakeLinq. The real SDK stack runs
 * (validation, HttpClient, error mapping); only the network is replaced.
 */
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, Fault } from "@linq-effect/testing"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { onboard } from "./onboarding.js"

const TestLinq = LinqHttpClient.layer({ apiKey: "test-key", maxRetries: 0 }).pipe(
  Layer.provideMerge(FakeLinq.layer())
)

const { iMessageGroup } = FakeLinq.chats
const { alice, newcomer, rcsOnly } = FakeLinq.handles

describe("onboard (a user's service, tested with FakeLinq)", () => {
  it.effect("sorts who was added, who was there and who cannot join", () =>
    Effect.gen(function* () {
      const report = yield* onboard(iMessageGroup, [newcomer, alice, rcsOnly, "555-0101"])
      expect(report.added).toEqual([newcomer])
      expect(report.alreadyThere).toEqual([alice])
      expect(report.refused).toEqual([
        { handle: rcsOnly, reason: "CrossServiceAddition" },
        { handle: "555-0101", reason: "InvalidHandle" }
      ])
      // The fake's state changes the way Linq's would: once its queue applies the add.
      const fake = yield* FakeLinq
      expect(yield* fake.participants(iMessageGroup)).not.toContain(newcomer)
      yield* TestClock.adjust(FakeLinq.defaultQueueDelay)
      expect(yield* fake.participants(iMessageGroup)).toContain(newcomer)
      // The malformed number never reached the API.
      const sent = (yield* fake.journal).map((entry) => entry.json)
      expect(sent).not.toContainEqual({ handle: "555-0101" })
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect("lets an outage fail the whole onboarding, as a typed error", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(503), { times: "always" })
      const error = yield* Effect.flip(onboard(iMessageGroup, [newcomer]))
      expect(error._tag).toBe("ServerError")
    }).pipe(Effect.provide(TestLinq))
  )
})
