/**
 * The README's example, verbatim: a user's test written with FakeLinq over the
 * real SDK stack (@linq-effect/http and @linq-effect/client). Keep the two in
 * step.
 */
import { addParticipant, removeParticipant } from "@linq-effect/client"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq, Fault } from "@linq-effect/testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"

// The real SDK stack; FakeLinq answers its requests in-process.
const TestLinq = LinqHttpClient.layer({ apiKey: "test" }).pipe(Layer.provideMerge(FakeLinq.layer()))

const { iMessageGroup, smallGroup } = FakeLinq.chats
const { alice, newcomer, rcsOnly } = FakeLinq.handles

describe("participants", () => {
  it.effect("adds a participant", () =>
    Effect.gen(function* () {
      const response = yield* addParticipant(iMessageGroup, { handle: newcomer })
      expect(response.status).toBe("accepted")

      // "accepted" means queued, as on Linq: the chat shows the newcomer after the queue delay
      const fake = yield* FakeLinq
      expect(yield* fake.participants(iMessageGroup)).not.toContain(newcomer)
      yield* TestClock.adjust(FakeLinq.defaultQueueDelay)
      expect(yield* fake.participants(iMessageGroup)).toContain(newcomer)
      const [request] = yield* fake.journal
      expect(request?.json).toEqual({ handle: newcomer })
      expect(request?.headers.authorization).toBe("Bearer <redacted>")
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect("rule violations are typed errors", () =>
    Effect.gen(function* () {
      const crossService = yield* Effect.flip(addParticipant(iMessageGroup, { handle: rcsOnly }))
      expect(crossService._tag).toBe("CrossServiceAddition")
      const tooFew = yield* Effect.flip(removeParticipant(smallGroup, { handle: alice }))
      expect(tooFew._tag).toBe("TooFewParticipants")
    }).pipe(Effect.provide(TestLinq))
  )

  it.effect("a 503 is retried", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* fake.inject(Fault.status(503, { retryAfterMs: 10 }), { route: "add" })
      const fiber = yield* Effect.forkChild(addParticipant(iMessageGroup, { handle: newcomer }))
      yield* TestClock.adjust("1 second") // the retry waits on the Clock
      expect((yield* Fiber.join(fiber)).status).toBe("accepted")
      expect((yield* fake.journal).map((r) => r.outcome)).toEqual([
        { _tag: "Responded", status: 503 },
        { _tag: "Responded", status: 202 }
      ])
    }).pipe(Effect.provide(TestLinq))
  )
})
