/**
 * `confirm` on offboardParticipant, onboardParticipant and leaveChat: the
 * queued changes waited for as `awaitMembership` waits (here by reads, no
 * `LinqWebhooks` in context), against FakeLinq's queue on `TestClock`; a
 * change that does not show in time is `confirmed: false` for a chat of an
 * offboarding, `MembershipPending` for a leave; a bad `confirm` sends nothing.
 */
import { describe, expect, it } from "@effect/vitest"
import { LinqHttpClient } from "@linq-effect/http"
import { FakeLinq } from "@linq-effect/testing"
import type { Duration } from "effect"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { leaveChat, offboardParticipant, onboardParticipant } from "../src/index.js"
import { requestsSent } from "./fake.js"

const H = FakeLinq.handles
const C = FakeLinq.chats

const layer = (queueDelay: Duration.Input) =>
  LinqHttpClient.layer({ apiKey: "test-key", maxRetries: 0 }).pipe(
    Layer.provideMerge(FakeLinq.layer(FakeLinq.defaultSeed, { queueDelay }))
  )

/** Runs `effect` while the test clock moves on, a second at a time. */
const onClock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(effect)
    for (let i = 0; i < 60 && fiber.pollUnsafe() === undefined; i++) yield* TestClock.adjust("1 second")
    return yield* Fiber.join(fiber)
  })

describe("confirm", () => {
  it.effect(
    "offboardParticipant: the removal it sent is confirmed once the chat shows it; the chats it left alone are not waited for",
    () =>
      Effect.gen(function* () {
        const result = yield* onClock(offboardParticipant(H.bob, { confirm: "10 seconds" }))
        expect(result.confirmed).toBe(true)
        expect(result.chats.map((c) => [c.plan, c.confirmed])).toEqual([
          ["remove", true],
          ["keptBack", undefined],
          ["notAGroup", undefined]
        ])
        const sent = yield* requestsSent
        expect(sent.slice(0, 2)).toEqual(["listChats", `remove ${C.iMessageGroup}`])
        expect(sent.slice(2).every((r) => r === `getChat ${C.iMessageGroup}`)).toBe(true)
        expect(sent.length).toBeGreaterThan(2)
        // Without confirm: not confirmed, and no read after the removal.
        const fake = yield* FakeLinq
        yield* fake.reset
        const plain = yield* offboardParticipant(H.bob)
        expect(plain.confirmed).toBe(false)
        expect(plain.chats[0]).not.toHaveProperty("confirmed")
      }).pipe(Effect.provide(layer("1 second")))
  )

  it.effect(
    "a removal that does not show in time is confirmed: false, not a failure; a re-run confirms the queued one",
    () =>
      Effect.gen(function* () {
        const result = yield* onClock(offboardParticipant(H.bob, { confirm: "5 seconds" }))
        expect(result).toMatchObject({ complete: true, confirmed: false })
        expect(result.chats[0]).toMatchObject({ plan: "remove", done: true, confirmed: false })
        // Run again once Linq applied it: nothing sent, and the removal this client queued is confirmed.
        yield* TestClock.adjust("1 minute")
        yield* requestsSent
        const again = yield* onClock(offboardParticipant(H.bob, { confirm: "5 seconds" }))
        expect(again.chats[0]).toMatchObject({ plan: "alreadyGone" })
        expect(again.summary.sent).toBe(0)
        expect(again.confirmed).toBe(true)
        expect((yield* requestsSent).filter((r) => r.startsWith("remove"))).toEqual([])
      }).pipe(Effect.provide(layer("30 seconds")))
  )

  it.effect("onboardParticipant: the adds it sent are confirmed", () =>
    Effect.gen(function* () {
      const result = yield* onClock(
        onboardParticipant(H.newcomer, [C.iMessageGroup, C.directMessage], { confirm: "10 seconds" })
      )
      expect(result.chats.map((c) => [c.plan, c.confirmed])).toEqual([
        ["add", true],
        ["notAGroup", undefined]
      ])
      expect(result.confirmed).toBe(true)
    }).pipe(Effect.provide(layer("1 second")))
  )

  it.effect("leaveChat: succeeds once the leave shows; MembershipPending when it does not in time", () =>
    Effect.gen(function* () {
      const fake = yield* FakeLinq
      yield* onClock(leaveChat(C.iMessageGroup, { confirm: "10 seconds" }))
      expect(yield* fake.participants(C.iMessageGroup)).not.toContain(H.alice)
    }).pipe(Effect.provide(layer("1 second")))
  )

  it.effect("leaveChat: MembershipPending when the leave does not show in time", () =>
    Effect.gen(function* () {
      const error = yield* onClock(Effect.flip(leaveChat(C.iMessageGroup, { confirm: "5 seconds" })))
      expect(error._tag).toBe("MembershipPending")
      expect(error).toMatchObject({ chatId: C.iMessageGroup, unexpected: [H.alice] })
    }).pipe(Effect.provide(layer("1 minute")))
  )

  it.effect("a confirm that is not a finite duration above zero is InvalidOption, and nothing is sent", () =>
    Effect.gen(function* () {
      for (const confirm of [0, -1, "forever" as Duration.Input, Number.POSITIVE_INFINITY]) {
        const errors = [
          yield* Effect.flip(offboardParticipant(H.bob, { confirm })),
          yield* Effect.flip(onboardParticipant(H.newcomer, [C.smsGroup], { confirm })),
          yield* Effect.flip(leaveChat(C.iMessageGroup, { confirm }))
        ]
        expect(errors.map((e) => [e._tag, "option" in e ? e.option : undefined])).toEqual(
          Array(3).fill(["InvalidOption", "confirm"])
        )
      }
      expect(yield* requestsSent).toEqual([])
    }).pipe(Effect.provide(layer("1 second")))
  )
})
